using System;
using System.Net.Http;
using System.Security;

namespace Loomcycle
{
    /// <summary>Settings of a <see cref="LoomcycleConnection"/>. Validated when the connection is created.</summary>
    public sealed class LoomcycleConnectionOptions
    {
        /// <summary>Where loomcycle listens by default.</summary>
        public static readonly Uri DefaultBaseUri = new Uri("http://127.0.0.1:8787/");

        public Uri BaseUri { get; set; } = DefaultBaseUri;

        /// <summary>The bearer token; null for servers in open mode.</summary>
        public SecureString? Token { get; set; }

        /// <summary>Allows sending the token over plain http to a host that is not loopback.</summary>
        public bool AllowUnencryptedAuthentication { get; set; }

        /// <summary>Skips TLS certificate validation (self-signed test servers only).</summary>
        public bool SkipCertificateCheck { get; set; }

        /// <summary>Time allowed to open a TCP (and TLS) connection.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Time allowed for a call's response (for streams: until the headers; a run may queue 30 s first).</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

        /// <summary>An open stream that delivers no byte (keepalives included) for this long is ended with a timeout. Zero disables.</summary>
        public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Retries after 429, 503 or a connection failure, for requests that are safe to repeat.</summary>
        public int MaximumRetryCount { get; set; } = 2;

        /// <summary>First back-off when the server gives no Retry-After; doubles per attempt, with jitter.</summary>
        public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>Longest single wait between attempts, whatever Retry-After says.</summary>
        public TimeSpan MaximumRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Longest total waiting across the retries of one call.</summary>
        public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Largest JSON response read into memory (snapshot content has its own, larger cap).</summary>
        public long MaximumResponseBytes { get; set; } = 64L * 1024 * 1024;

        /// <summary>Largest single server-sent event (or line), its line ends included, accepted before the stream is ended.</summary>
        public int MaximumEventBytes { get; set; } = 32 * 1024 * 1024;

        /// <summary>Replaces the HTTP handler (tests and benchmarks); the connection then does not own it.</summary>
        public HttpMessageHandler? Handler { get; set; }

        internal LoomcycleConnectionOptions Clone() => (LoomcycleConnectionOptions)MemberwiseClone();
    }
}
