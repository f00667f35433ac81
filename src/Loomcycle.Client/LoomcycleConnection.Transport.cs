using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        private const int ErrorBodyReadLimit = 64 * 1024;
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

                byte[] body = await ReadCappedAsync(response, maxResponseBytes ?? _options.MaximumResponseBytes, route, deadline.Token).ConfigureAwait(false);
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
                        SecretRedactor.Redact(Excerpt(body), Combine(extraSecrets)),
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
            TimeSpan waited = TimeSpan.Zero;
            for (int attempt = 0; ; attempt++)
            {
                LoomcycleException failure;
                using (var request = new HttpRequestMessage(method, uri))
                {
                    request.Headers.Accept.ParseAdd(accept);
                    if (_authorization is not null && uri.AbsolutePath != "/healthz")
                    {
                        request.Headers.Authorization = _authorization;
                    }

                    request.Content = content?.Invoke();
                    LoomcycleDiagnostics.Verbose(attempt == 0 ? described : $"{described} (retry {attempt} of {_retry.MaximumRetryCount})");

                    HttpResponseMessage response;
                    try
                    {
                        response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
                    }
                    catch (HttpRequestException ex)
                    {
                        bool neverSent = IsConnectFailure(ex);
                        failure = new LoomcycleConnectionException(
                            SecretRedactor.Redact($"{described} failed: {Flatten(ex)}", Combine(extraSecrets))!, 0, null, null, ex) { Target = route.Target };

                        // A refused certificate will not be accepted by waiting; everything else that failed before any
                        // response may be retried: always when nothing was sent, otherwise only if the request is idempotent.
                        if (!IsCertificateFailure(ex)
                            && (neverSent || repeatability == Repeatability.Idempotent)
                            && TryPlanRetry(attempt, null, ref waited, out TimeSpan pause))
                        {
                            LoomcycleDiagnostics.Verbose($"{failure.Message} Retry {attempt + 1} of {_retry.MaximumRetryCount} in {pause.TotalSeconds:0.##} s.");
                            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        throw failure;
                    }
                    catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The handler's own connect timeout fired: nothing was sent, so another attempt is safe.
                        failure = new LoomcycleTimeoutException(
                            $"{described}: could not connect to {BaseUri.Authority} within {_options.ConnectTimeout.TotalSeconds:0.#} s.", 0, null, null, ex) { Target = route.Target };
                        if (TryPlanRetry(attempt, null, ref waited, out TimeSpan pause))
                        {
                            LoomcycleDiagnostics.Verbose($"{failure.Message} Retry {attempt + 1} of {_retry.MaximumRetryCount} in {pause.TotalSeconds:0.##} s.");
                            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        throw failure;
                    }

                    if (response.IsSuccessStatusCode)
                    {
                        LoomcycleDiagnostics.Debug($"{described} -> {(int)response.StatusCode}");
                        return response;
                    }

                    using (response)
                    {
                        failure = await ToExceptionAsync(response, route, area, extraSecrets, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (RetryPolicy.IsRetryable(failure) && TryPlanRetry(attempt, failure.RetryAfter, ref waited, out TimeSpan delay))
                {
                    LoomcycleDiagnostics.Verbose(
                        $"{described} answered {failure.StatusCode}{(failure.Code is null ? string.Empty : " " + failure.Code)}" +
                        $"{(failure.RetryAfter is TimeSpan advised ? $" (Retry-After {advised.TotalSeconds:0.##} s)" : string.Empty)}; retry {attempt + 1} of {_retry.MaximumRetryCount} in {delay.TotalSeconds:0.##} s.");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw failure;
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

        private bool TryPlanRetry(int attempt, TimeSpan? retryAfter, ref TimeSpan waited, out TimeSpan delay)
        {
            delay = TimeSpan.Zero;
            if (attempt >= _retry.MaximumRetryCount)
            {
                return false;
            }

            delay = _retry.Delay(attempt + 1, retryAfter);
            if (waited + delay > _options.RetryBudget)
            {
                return false;
            }

            waited += delay;
            return true;
        }

        private async Task<LoomcycleException> ToExceptionAsync(
            HttpResponseMessage response, RoutePath route, ApiArea area, IReadOnlyList<string>? extraSecrets, CancellationToken cancellationToken)
        {
            int status = (int)response.StatusCode;
            string body;
            try
            {
                byte[] bytes = await ReadPrefixAsync(response, ErrorBodyReadLimit, cancellationToken).ConfigureAwait(false);
                body = Encoding.UTF8.GetString(bytes);
            }
            catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
            {
                body = string.Empty; // the status alone still classifies the error
            }

            body = SecretRedactor.Redact(body, Combine(extraSecrets))!;
            LoomcycleException error;
            if (status >= 300 && status < 400)
            {
                string? location = response.Headers.Location?.ToString();
                error = new LoomcycleProtocolException(
                    $"The server redirected ({status}) to '{SecretRedactor.Redact(location, Combine(extraSecrets))}'. Redirects are not followed, so the token is never sent elsewhere; connect to the final address instead.",
                    status, null, body);
            }
            else
            {
                error = ErrorClassifier.Classify(status, response.ReasonPhrase, body, area, Combine(extraSecrets));
            }

            error.Target = route.Target;
            error.RetryAfter = RetryPolicy.ReadRetryAfter(response);
            return error;
        }

        /// <summary>Reads a whole body, failing with a typed error past <paramref name="limit"/> bytes instead of buffering without end.</summary>
        internal static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, long limit, RoutePath route, CancellationToken cancellationToken)
        {
            long? declared = response.Content.Headers.ContentLength;
            if (declared > limit)
            {
                throw TooLarge(declared.Value, limit, route);
            }

            using Stream stream = await ReadStreamAsync(response.Content, cancellationToken).ConfigureAwait(false);
            var buffer = new MemoryStream(declared is long known ? (int)known : 4096);
            byte[] chunk = new byte[16384];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw TooLarge(buffer.Length + read, limit, route);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
        }

        private static async Task<byte[]> ReadPrefixAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
        {
            using Stream stream = await ReadStreamAsync(response.Content, cancellationToken).ConfigureAwait(false);
            byte[] buffer = new byte[limit];
            int total = 0;
            int read;
            while (total < limit && (read = await stream.ReadAsync(buffer, total, limit - total, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            Array.Resize(ref buffer, total);
            return buffer;
        }

        internal static Task<Stream> ReadStreamAsync(HttpContent content, CancellationToken cancellationToken)
        {
#if NET8_0_OR_GREATER
            return content.ReadAsStreamAsync(cancellationToken);
#else
            return content.ReadAsStreamAsync();
#endif
        }

        private static LoomcycleProtocolException TooLarge(long size, long limit, RoutePath route) =>
            new LoomcycleProtocolException($"The response is larger than the {limit / (1024 * 1024)} MiB this call accepts (at least {size} bytes); it was not read further.")
            { Target = route.Target };

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

        private static bool IsConnectFailure(HttpRequestException ex)
        {
#if NET8_0_OR_GREATER
            if (ex.HttpRequestError == HttpRequestError.NameResolutionError || ex.HttpRequestError == HttpRequestError.ConnectionError && ex.InnerException is SocketException)
            {
                return true;
            }
#endif
            for (Exception? inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (inner is SocketException socket)
                {
                    return socket.SocketErrorCode == SocketError.ConnectionRefused
                        || socket.SocketErrorCode == SocketError.HostNotFound
                        || socket.SocketErrorCode == SocketError.HostUnreachable
                        || socket.SocketErrorCode == SocketError.NetworkUnreachable
                        || socket.SocketErrorCode == SocketError.TryAgain;
                }

                if (inner is WebException web)
                {
                    return web.Status == WebExceptionStatus.ConnectFailure || web.Status == WebExceptionStatus.NameResolutionFailure;
                }
            }

            return false;
        }

        private static bool IsCertificateFailure(HttpRequestException ex)
        {
            for (Exception? inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (inner is System.Security.Authentication.AuthenticationException)
                {
                    return true;
                }
            }

            return false;
        }

        private static string Flatten(Exception ex)
        {
            var text = new StringBuilder(ex.Message);
            for (Exception? inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (!ex.Message.Contains(inner.Message))
                {
                    text.Append(' ').Append(inner.Message);
                }
            }

            return text.ToString();
        }

        private static string Excerpt(byte[] body) =>
            Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, LoomcycleException.MaxBodyTextLength));

        private string Describe(RoutePath route) => route.ToUri(BaseUri).AbsolutePath;

        private void ThrowIfDisposed()
        {
            if (_disposed != 0)
            {
                throw new ObjectDisposedException(nameof(LoomcycleConnection), "This connection was closed (Disconnect-Loomcycle); connect again.");
            }
        }
    }
}
