using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    /// <summary>What a failed attempt proves about the server having acted on the request.</summary>
    internal enum FailureKind
    {
        /// <summary>No connection was opened (refused, unreachable, name not resolved, connect timeout): nothing was sent.</summary>
        NotSent,

        /// <summary>The request may have reached the server, but no response came back (a reset, a broken connection).</summary>
        NoResponse,

        /// <summary>The server answered with an error status; its status and code say whether it acted.</summary>
        Answered,

        /// <summary>A failure that waiting cannot fix (a refused TLS certificate).</summary>
        Permanent,
    }

    /// <summary>
    /// The failure classification of the transport, in one place: turns what went wrong in one attempt (an
    /// exception from the handler, or an error response) into the typed exception a caller sees, and says what
    /// it proves (<see cref="FailureKind"/>). Whether to try again is <see cref="RetryPolicy"/>'s decision.
    /// </summary>
    internal readonly struct AttemptFailure
    {
        private const int ErrorBodyReadLimit = 64 * 1024;

        private AttemptFailure(LoomcycleException error, FailureKind kind)
        {
            Error = error;
            Kind = kind;
        }

        /// <summary>The exception the call throws if no further attempt is made.</summary>
        public LoomcycleException Error { get; }

        public FailureKind Kind { get; }

        /// <summary>The handler failed before any response: connect failures were never sent; a refused certificate is final.</summary>
        public static AttemptFailure FromRequestException(HttpRequestException ex, string described, string? target, IReadOnlyList<string> secrets)
        {
            var error = new LoomcycleConnectionException(
                SecretRedactor.Redact($"{described} failed: {Flatten(ex)}", secrets)!, 0, null, null, ex) { Target = target };
            FailureKind kind = IsCertificateFailure(ex) ? FailureKind.Permanent : IsConnectFailure(ex) ? FailureKind.NotSent : FailureKind.NoResponse;
            return new AttemptFailure(error, kind);
        }

        /// <summary>The handler's own connect timeout fired: nothing was sent.</summary>
        public static AttemptFailure FromConnectTimeout(OperationCanceledException ex, string described, Uri baseUri, TimeSpan connectTimeout, string? target) =>
            new AttemptFailure(
                new LoomcycleTimeoutException(
                    $"{described}: could not connect to {baseUri.Authority} within {connectTimeout.TotalSeconds:0.#} s.", 0, null, null, ex) { Target = target },
                FailureKind.NotSent);

        /// <summary>An error response: reads at most 64 KiB of its body and classifies status, code and text.</summary>
        public static async Task<AttemptFailure> FromResponseAsync(
            HttpResponseMessage response, ApiArea area, string? target, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
        {
            int status = (int)response.StatusCode;
            string body;
            try
            {
                byte[] bytes = await ResponseBody.ReadPrefixAsync(response, ErrorBodyReadLimit, cancellationToken).ConfigureAwait(false);
                body = Encoding.UTF8.GetString(bytes);
            }
            catch (Exception ex) when (ex is IOException || ex is HttpRequestException)
            {
                body = string.Empty; // the status alone still classifies the error
            }

            body = SecretRedactor.Redact(body, secrets)!;
            LoomcycleException error;
            if (status >= 300 && status < 400)
            {
                string? location = response.Headers.Location?.ToString();
                error = new LoomcycleProtocolException(
                    $"The server redirected ({status}) to '{SecretRedactor.Redact(location, secrets)}'. Redirects are not followed, so the token is never sent elsewhere; connect to the final address instead.",
                    status, null, body);
            }
            else
            {
                error = ErrorClassifier.Classify(status, response.ReasonPhrase, body, area, secrets);
            }

            error.Target = target;
            error.RetryAfter = RetryPolicy.ReadRetryAfter(response);
            return new AttemptFailure(error, FailureKind.Answered);
        }

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
    }
}
