using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        // What a disposed connection says when it is used.
        internal const string ClosedMessage = "This connection was disposed; create a new LoomcycleConnection.";

        private static readonly MediaTypeHeaderValue JsonMediaType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        /// <summary>Sends a request and reads a JSON answer into <typeparamref name="T"/> (null type: body ignored).</summary>
        internal async Task<T?> SendJsonAsync<T>(
            HttpMethod method,
            RoutePath route,
            ApiArea area,
            Func<HttpContent?>? content,
            Repeatability repeatability,
            JsonTypeInfo<T>? type,
            CancellationToken cancellationToken,
            TimeSpan? timeout = null,
            long? maxResponseBytes = null,
            IReadOnlyList<string>? extraSecrets = null)
            where T : class
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            TimeSpan limit = timeout ?? _options.RequestTimeout;
            deadline.CancelAfter(limit);
            try
            {
                using HttpResponseMessage response = await SendAsync(
                    method, route, area, content, repeatability, HttpCompletionOption.ResponseHeadersRead, "application/json", deadline.Token, extraSecrets).ConfigureAwait(false);
                if (type is null)
                {
                    return null;
                }

                byte[] body = await ResponseBody.ReadCappedAsync(response, maxResponseBytes ?? _options.MaximumResponseBytes, route, deadline.Token).ConfigureAwait(false);
                try
                {
                    return JsonSerializer.Deserialize(body, type)
                        ?? throw new LoomcycleProtocolException($"The server answered {route.Target ?? method.Method} with an empty JSON body.", (int)response.StatusCode);
                }
                catch (JsonException ex)
                {
                    throw new LoomcycleProtocolException(
                        $"The server's answer is not the JSON this module expects ({ex.Message}).",
                        (int)response.StatusCode,
                        null,
                        SecretRedactor.MaskMintedSecrets(SecretRedactor.Redact(Excerpt(body), Combine(extraSecrets))!),
                        ex) { Target = route.Target };
                }
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LoomcycleTimeoutException(
                    $"{method.Method} {Describe(route)} got no complete answer within {limit.TotalSeconds:0.#} s.", 0, null, null, ex) { Target = route.Target };
            }
        }

        /// <summary>
        /// Sends with retries and returns a successful response (headers read). Failed responses become
        /// typed exceptions. Retries happen only before a success: a stream is never sent twice once open.
        /// </summary>
        internal async Task<HttpResponseMessage> SendAsync(
            HttpMethod method,
            RoutePath route,
            ApiArea area,
            Func<HttpContent?>? content,
            Repeatability repeatability,
            HttpCompletionOption completion,
            string accept,
            CancellationToken cancellationToken,
            IReadOnlyList<string>? extraSecrets = null)
        {
            ThrowIfDisposed();
            Uri uri = route.ToUri(BaseUri);
            string described = $"{method.Method} {uri.GetLeftPart(UriPartial.Path)}";
            IReadOnlyList<string> secrets = Combine(extraSecrets);
            var retries = new RetryState();
            while (true)
            {
                (HttpResponseMessage? success, AttemptFailure failure) = await SendOnceAsync(
                    method, uri, described, route, area, content, completion, accept, retries.Attempt, secrets, cancellationToken).ConfigureAwait(false);
                if (success is not null)
                {
                    return success;
                }

                int retry = retries.Attempt + 1;
                if (!_retry.ShouldRetry(failure, repeatability, ref retries, out TimeSpan delay))
                {
                    throw failure.Error;
                }

                LoomcycleDiagnostics.Verbose(RetryNotice(described, failure.Error, retry, delay));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>One attempt: the successful response, or the classified failure.</summary>
        private async Task<(HttpResponseMessage? Success, AttemptFailure Failure)> SendOnceAsync(
            HttpMethod method,
            Uri uri,
            string described,
            RoutePath route,
            ApiArea area,
            Func<HttpContent?>? content,
            HttpCompletionOption completion,
            string accept,
            int attempt,
            IReadOnlyList<string> secrets,
            CancellationToken cancellationToken)
        {
            using HttpRequestMessage request = CreateRequest(method, uri, accept, content);
            LoomcycleDiagnostics.Verbose(attempt == 0 ? described : $"{described} (retry {attempt} of {_retry.MaximumRetryCount})");
            HttpResponseMessage response;
            try
            {
                response = await Http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                return (null, AttemptFailure.FromRequestException(ex, described, route.Target, secrets));
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                return (null, AttemptFailure.FromConnectTimeout(ex, described, BaseUri, _options.ConnectTimeout, route.Target));
            }

            if (response.IsSuccessStatusCode)
            {
                LoomcycleDiagnostics.Debug($"{described} -> {(int)response.StatusCode}");
                return (response, default);
            }

            using (response)
            {
                return (null, await AttemptFailure.FromResponseAsync(response, area, route.Target, secrets, cancellationToken).ConfigureAwait(false));
            }
        }

        internal static HttpContent JsonContent(byte[] body)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = JsonMediaType;
            return content;
        }

        internal static HttpContent JsonContent(Stream body)
        {
            var content = new StreamContent(body, 81920);
            content.Headers.ContentType = JsonMediaType;
            return content;
        }

        private HttpRequestMessage CreateRequest(HttpMethod method, Uri uri, string accept, Func<HttpContent?>? content)
        {
            var request = new HttpRequestMessage(method, uri);
            request.Headers.Accept.ParseAdd(accept);
            if (_authorization is not null && uri.AbsolutePath != "/healthz")
            {
                request.Headers.Authorization = _authorization;
            }

            request.Content = content?.Invoke();
            return request;
        }

        /// <summary>The -Verbose line for a retry: the transport failure's own message, or the status the server answered.</summary>
        private string RetryNotice(string described, LoomcycleException failure, int retry, TimeSpan delay) =>
            failure.StatusCode == 0
                ? $"{failure.Message} Retry {retry} of {_retry.MaximumRetryCount} in {delay.TotalSeconds:0.##} s."
                : $"{described} answered {failure.StatusCode}{(failure.Code is null ? string.Empty : " " + failure.Code)}" +
                  $"{(failure.RetryAfter is TimeSpan advised ? $" (Retry-After {advised.TotalSeconds:0.##} s)" : string.Empty)}; retry {retry} of {_retry.MaximumRetryCount} in {delay.TotalSeconds:0.##} s.";

        /// <summary>Reads a whole body under a cap (see <see cref="ResponseBody.ReadCappedAsync"/>).</summary>
        internal static Task<byte[]> ReadCappedAsync(HttpResponseMessage response, long limit, RoutePath route, CancellationToken cancellationToken) =>
            ResponseBody.ReadCappedAsync(response, limit, route, cancellationToken);

        /// <summary>The response body as a stream (see <see cref="ResponseBody.ReadStreamAsync"/>).</summary>
        internal static Task<Stream> ReadStreamAsync(HttpContent content, CancellationToken cancellationToken) =>
            ResponseBody.ReadStreamAsync(content, cancellationToken);

        private IReadOnlyList<string> Combine(IReadOnlyList<string>? extraSecrets)
        {
            if (extraSecrets is null || extraSecrets.Count == 0)
            {
                return _secrets;
            }

            var all = new List<string>(_secrets);
            all.AddRange(extraSecrets);
            return all;
        }

        internal string? Redact(string? text, IReadOnlyList<string>? extraSecrets = null) => SecretRedactor.Redact(text, Combine(extraSecrets));

        private static string Excerpt(byte[] body) =>
            Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, LoomcycleException.MaxBodyTextLength));

        private string Describe(RoutePath route) => route.ToUri(BaseUri).AbsolutePath;

        private void ThrowIfDisposed()
        {
            if (_disposed != 0)
            {
                throw new ObjectDisposedException(nameof(LoomcycleConnection), ClosedMessage);
            }
        }
    }
}
