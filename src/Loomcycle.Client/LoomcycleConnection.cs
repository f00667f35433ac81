using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security;

namespace Loomcycle
{
    /// <summary>
    /// A connection to one loomcycle server: its address, its token and one pooled HttpClient, shared
    /// by every call and safe to use from many threads and runspaces at once. The token is held privately:
    /// no property, <see cref="ToString"/> or error ever contains it.
    /// </summary>
    /// <remarks>
    /// Every call that reaches the server may also throw, besides the exceptions listed on it (all derive from
    /// <see cref="LoomcycleException"/> unless noted): <see cref="LoomcycleConnectionException"/> (the server could not be
    /// reached, or the connection broke before an answer), <see cref="LoomcycleTimeoutException"/> (no connection or no
    /// complete answer in time), <see cref="AuthException"/> (401: the token is missing or refused; 403: it lacks the scope),
    /// <see cref="BackpressureException"/> and <see cref="UnavailableException"/> (429 and 503 that outlasted the retries),
    /// <see cref="LoomcycleProtocolException"/> (an answer that is not what the API promises: a redirect, a body that is not
    /// the expected JSON, a response over the size cap), and <see cref="LoomcycleException"/> itself for any other status.
    /// Outside that family: <see cref="ObjectDisposedException"/> once the connection is disposed, and
    /// <see cref="OperationCanceledException"/> when the caller's cancellation token fires.
    /// </remarks>
    public sealed partial class LoomcycleConnection : IDisposable
    {
        private readonly LoomcycleConnectionOptions _options;
        // Built by the first request (see Http): a connection that only configures or describes (Connect-Loomcycle in a
        // profile, Get-LoomcycleConnection) never pays for an HTTP stack (~10 ms in a new process).
        private HttpClient? _http;
        private readonly RetryPolicy _retry;
        private readonly AuthenticationHeaderValue? _authorization;
        private readonly string[] _secrets;
        private int _disposed;

        /// <summary>Creates a connection; nothing is sent until the first call.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
        /// <exception cref="InvalidArgumentException">The base URL is not an absolute http(s) URL without user information, query
        /// or fragment, or a token would travel over plain http to a host that is not loopback without
        /// <see cref="LoomcycleConnectionOptions.AllowUnencryptedAuthentication"/>.</exception>
        public LoomcycleConnection(LoomcycleConnectionOptions options)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            _options = options.Clone();
            BaseUri = NormalizeBaseUri(_options.BaseUri);
            _options.BaseUri = BaseUri;

            string? token = _options.Token is null ? null : new NetworkCredential(string.Empty, _options.Token).Password;
            if (string.IsNullOrEmpty(token))
            {
                token = null;
            }

            if (token is not null)
            {
                RefuseCleartextToken(BaseUri, _options.AllowUnencryptedAuthentication);
                _authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            _secrets = token is null ? Array.Empty<string>() : new[] { token };
            _options.Token = null; // keep no SecureString copy around once the header value exists

            _retry = new RetryPolicy(_options);
            CreatedAt = DateTimeOffset.Now;
        }

        /// <summary>The server's base address, always ending in '/'.</summary>
        public Uri BaseUri { get; }

        /// <summary>True when a bearer token is sent with every /v1 request. The token itself is never shown.</summary>
        public bool HasToken => _authorization is not null;

        /// <summary>
        /// True when <paramref name="other"/> calls the same server with the same token (or both with none), so the server
        /// sees one principal in both: what one registers (a hook, by tenant, owner and name) the other replaces.
        /// </summary>
        public bool ActsAsSamePrincipal(LoomcycleConnection other)
        {
            if (other is null)
            {
                throw new ArgumentNullException(nameof(other));
            }

            return ReferenceEquals(this, other) ||
                (BaseUri == other.BaseUri && string.Equals(_authorization?.Parameter, other._authorization?.Parameter, StringComparison.Ordinal));
        }

        /// <summary>Where this connection came from: Connect-Loomcycle, the environment, or the built-in default.</summary>
        public string Source { get; set; } = "Explicit";

        public DateTimeOffset CreatedAt { get; }

        public TimeSpan ConnectTimeout => _options.ConnectTimeout;

        public TimeSpan RequestTimeout => _options.RequestTimeout;

        public TimeSpan StreamIdleTimeout => _options.StreamIdleTimeout;

        public int MaximumRetryCount => _options.MaximumRetryCount;

        public TimeSpan RetryInterval => _options.RetryInterval;

        public bool AllowUnencryptedAuthentication => _options.AllowUnencryptedAuthentication;

        public bool SkipCertificateCheck => _options.SkipCertificateCheck;

        public bool IsDisposed => _disposed != 0;

        internal LoomcycleConnectionOptions Options => _options;

        internal IReadOnlyList<string> Secrets => _secrets;

        /// <summary>Shows the address and whether a token is set; never the token.</summary>
        public override string ToString() => $"{BaseUri} ({(HasToken ? "bearer token" : "no token")})";

        public void Dispose()
        {
            if (System.Threading.Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                System.Threading.Volatile.Read(ref _http)?.Dispose();
            }
        }

        /// <summary>The connection's one pooled HttpClient, built by the first request; a disposed connection builds none.</summary>
        private HttpClient Http => System.Threading.Volatile.Read(ref _http) ?? CreateHttp();

        private HttpClient CreateHttp()
        {
            HttpMessageHandler handler = _options.Handler ?? HandlerFactory.Create(_options);
            var http = new HttpClient(handler, disposeHandler: _options.Handler is null)
            {
                // Each call sets its own deadline; a stream must be able to run for hours.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Loomcycle.PowerShell", typeof(LoomcycleConnection).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
            HttpClient? first = System.Threading.Interlocked.CompareExchange(ref _http, http, null);
            if (first is not null)
            {
                http.Dispose(); // another request built it first: one client (one pool) per connection
                http = first;
            }

            if (IsDisposed)
            {
                // Disposed meanwhile: Dispose may have looked before this client was stored.
                http.Dispose();
                throw new ObjectDisposedException(nameof(LoomcycleConnection));
            }

            return http;
        }

        internal static Uri NormalizeBaseUri(Uri? baseUri)
        {
            if (baseUri is null || !baseUri.IsAbsoluteUri)
            {
                throw new InvalidArgumentException($"The base URL '{baseUri}' is not absolute; use a form like http://127.0.0.1:8787.");
            }

            if (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidArgumentException($"The base URL must use http or https, not '{baseUri.Scheme}'.");
            }

            if (!string.IsNullOrEmpty(baseUri.UserInfo))
            {
                // http://localhost:80@evil.example/ style addresses: credentials never go in the URL.
                throw new InvalidArgumentException("The base URL must not contain user information ('user@host'); give the token in LoomcycleConnectionOptions.Token instead.");
            }

            if (!string.IsNullOrEmpty(baseUri.Query) || !string.IsNullOrEmpty(baseUri.Fragment))
            {
                throw new InvalidArgumentException("The base URL must not contain a query or a fragment.");
            }

            string text = baseUri.GetLeftPart(UriPartial.Path);
            return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/", UriKind.Absolute);
        }

        private static void RefuseCleartextToken(Uri baseUri, bool allowed)
        {
            if (baseUri.Scheme == Uri.UriSchemeHttp && !baseUri.IsLoopback && !allowed)
            {
                throw new InvalidArgumentException(
                    $"Refusing to send the bearer token over plain http to '{baseUri.Host}', which is not a loopback address. " +
                    "Use an https:// URL, or set LoomcycleConnectionOptions.AllowUnencryptedAuthentication if this network is trusted.");
            }
        }
    }
}
