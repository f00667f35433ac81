using System;
using System.Management.Automation;
using System.Security;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Connects to a loomcycle server and makes it the current connection of this session.</summary>
    /// <remarks>
    /// Creates a connection (base URL, bearer token, one pooled HTTP client) and stores it as the current
    /// connection of the runspace, so later Loomcycle cmdlets use it without -Connection. Nothing is sent
    /// to the server; use Test-LoomcycleConnection to check it. Without -Token the token is read from
    /// LOOMCYCLE_AUTH_TOKEN, and without -BaseUrl the address from LOOMCYCLE_BASE_URL or http://127.0.0.1:8787.
    /// The token is never shown: the connection object only says whether it has one. A token is refused
    /// over plain http to a host that is not loopback unless -AllowUnencryptedAuthentication is given.
    /// </remarks>
    /// <example>
    /// <code>Connect-Loomcycle -BaseUrl http://127.0.0.1:8787</code>
    /// <para>Connects to a local server in open mode (no token).</para>
    /// </example>
    /// <example>
    /// <code>Connect-Loomcycle -BaseUrl https://loomcycle.example.com -Token (Read-Host -AsSecureString 'Token')</code>
    /// <para>Connects with a bearer token typed at a prompt.</para>
    /// </example>
    /// <example>
    /// <code>$prod = Connect-Loomcycle https://prod.example.com -Token $secure -PassThru -NoDefault</code>
    /// <para>Creates a connection object for use with -Connection, without changing the current connection.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Connect, "Loomcycle")]
    [OutputType(typeof(LoomcycleConnection))]
    public sealed class ConnectLoomcycleCommand : PSCmdlet
    {
        /// <summary>The server's base URL, e.g. http://127.0.0.1:8787. Defaults to LOOMCYCLE_BASE_URL, then http://127.0.0.1:8787.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNull]
        public Uri? BaseUrl { get; set; }

        /// <summary>The bearer token. Defaults to LOOMCYCLE_AUTH_TOKEN; omit both for servers in open mode.</summary>
        [Parameter]
        public SecureString? Token { get; set; }

        /// <summary>Allows sending the token over plain http to a host that is not loopback.</summary>
        [Parameter]
        public SwitchParameter AllowUnencryptedAuthentication { get; set; }

        /// <summary>Skips TLS certificate validation. Only for test servers with self-signed certificates.</summary>
        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>Seconds allowed to open a TCP connection (default 10).</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int ConnectTimeoutSec { get; set; } = 10;

        /// <summary>Seconds allowed for a response (for streams: until the stream opens; default 100).</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 100;

        /// <summary>Seconds an open stream may go without any byte, keepalives included, before it is ended (default 60; 0 disables).</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int StreamIdleTimeoutSec { get; set; } = 60;

        /// <summary>Default retry count after 429, 503 or a failed connect, for requests safe to repeat (default 2).</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int MaximumRetryCount { get; set; } = 2;

        /// <summary>Default seconds before the first retry when the server sends no Retry-After (default 2).</summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public int RetryIntervalSec { get; set; } = 2;

        /// <summary>Outputs the connection object.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Does not make the new connection the current one (use it with -PassThru and -Connection).</summary>
        [Parameter]
        public SwitchParameter NoDefault { get; set; }

        protected override void EndProcessing()
        {
            LoomcycleConnection connection;
            Uri? baseUrl = BaseUrl;
            try
            {
                baseUrl ??= ConnectionResolver.EnvironmentBaseUri();
                connection = new LoomcycleConnection(new LoomcycleConnectionOptions
                {
                    BaseUri = baseUrl,
                    Token = Token ?? ConnectionResolver.EnvironmentToken(),
                    AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                    SkipCertificateCheck = SkipCertificateCheck,
                    ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
                    RequestTimeout = TimeSpan.FromSeconds(TimeoutSec),
                    StreamIdleTimeout = TimeSpan.FromSeconds(StreamIdleTimeoutSec),
                    MaximumRetryCount = MaximumRetryCount,
                    RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec),
                })
                {
                    Source = NoDefault ? "Connect-Loomcycle -NoDefault" : "Connect-Loomcycle",
                };
            }
            catch (LoomcycleException ex)
            {
                ThrowTerminatingError(LoomcycleErrors.From(ex, BaseUrl, Advice(ex, baseUrl)));
                return;
            }

            if (SkipCertificateCheck)
            {
                WriteWarning($"TLS certificate validation is off for {connection.BaseUri}: anyone on the network path can read the token and the traffic.");
            }

            if (!NoDefault)
            {
                ConnectionResolver.SetCurrent(connection);
            }

            WriteVerbose($"Connected to {connection}.");
            if (PassThru)
            {
                WriteObject(connection);
            }
        }

        /// <summary>What to do about a refused base URL, in this cmdlet's parameters (the engine checks in the same order).</summary>
        private string? Advice(LoomcycleException error, Uri? baseUrl)
        {
            if (error is not InvalidArgumentException || baseUrl is null || !baseUrl.IsAbsoluteUri
                || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
            {
                return null;
            }

            if (!string.IsNullOrEmpty(baseUrl.UserInfo))
            {
                return "Give the token with -Token (or in LOOMCYCLE_AUTH_TOKEN), never in the URL.";
            }

            if (string.IsNullOrEmpty(baseUrl.Query) && string.IsNullOrEmpty(baseUrl.Fragment)
                && baseUrl.Scheme == Uri.UriSchemeHttp && !baseUrl.IsLoopback && !AllowUnencryptedAuthentication)
            {
                return "Use an https:// URL, or pass -AllowUnencryptedAuthentication if this network is trusted.";
            }

            return null;
        }
    }
}
