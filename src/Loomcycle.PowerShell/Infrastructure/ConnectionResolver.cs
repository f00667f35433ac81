using System;
using System.Collections.Concurrent;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Finds the connection a cmdlet uses, most specific first: its -Connection, the runspace's current
    /// connection (Connect-Loomcycle), the environment (LOOMCYCLE_BASE_URL, LOOMCYCLE_AUTH_TOKEN), then
    /// http://127.0.0.1:8787 in open mode. Environment and default connections are cached so repeated
    /// commands reuse one pooled HttpClient.
    /// </summary>
    internal static class ConnectionResolver
    {
        public const string BaseUrlVariable = "LOOMCYCLE_BASE_URL";
        public const string TokenVariable = "LOOMCYCLE_AUTH_TOKEN";

        private static readonly ConditionalWeakTable<Runspace, StrongBox<LoomcycleConnection?>> CurrentByRunspace =
            new ConditionalWeakTable<Runspace, StrongBox<LoomcycleConnection?>>();

        private static readonly ConcurrentDictionary<string, LoomcycleConnection> Ambient = new ConcurrentDictionary<string, LoomcycleConnection>(StringComparer.Ordinal);

        public static LoomcycleConnection Resolve(LoomcycleConnection? explicitConnection)
        {
            if (explicitConnection is not null)
            {
                return explicitConnection;
            }

            LoomcycleConnection? current = GetCurrent();
            if (current is not null && !current.IsDisposed)
            {
                return current;
            }

            return FromEnvironment();
        }

        public static LoomcycleConnection? GetCurrent()
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            return runspace is not null && CurrentByRunspace.TryGetValue(runspace, out StrongBox<LoomcycleConnection?>? box) ? box.Value : null;
        }

        public static void SetCurrent(LoomcycleConnection? connection)
        {
            Runspace? runspace = Runspace.DefaultRunspace
                ?? throw new InvalidOperationException("There is no runspace on this thread to hold the connection.");
            CurrentByRunspace.GetValue(runspace, _ => new StrongBox<LoomcycleConnection?>()).Value = connection;
        }

        /// <summary>The base URL from LOOMCYCLE_BASE_URL, or the default.</summary>
        public static Uri EnvironmentBaseUri()
        {
            string? text = Environment.GetEnvironmentVariable(BaseUrlVariable);
            if (string.IsNullOrWhiteSpace(text))
            {
                return LoomcycleConnectionOptions.DefaultBaseUri;
            }

            if (!Uri.TryCreate(text!.Trim(), UriKind.Absolute, out Uri? uri))
            {
                throw new InvalidArgumentException($"The environment variable {BaseUrlVariable} ('{text}') is not an absolute URL.");
            }

            return uri;
        }

        /// <summary>The token from LOOMCYCLE_AUTH_TOKEN, as a SecureString, or null.</summary>
        public static SecureString? EnvironmentToken()
        {
            string? token = Environment.GetEnvironmentVariable(TokenVariable);
            return string.IsNullOrEmpty(token) ? null : ToSecureString(token!);
        }

        public static SecureString ToSecureString(string value)
        {
            var secure = new SecureString();
            foreach (char c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        private static LoomcycleConnection FromEnvironment()
        {
            Uri baseUri = EnvironmentBaseUri();
            string? token = Environment.GetEnvironmentVariable(TokenVariable);
            string key = baseUri.AbsoluteUri + "|" + Fingerprint(token);
            LoomcycleConnection Create(string _) => new LoomcycleConnection(new LoomcycleConnectionOptions
            {
                BaseUri = baseUri,
                Token = string.IsNullOrEmpty(token) ? null : ToSecureString(token!),
            })
            {
                Source = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(BaseUrlVariable)) && string.IsNullOrEmpty(token) ? "Default" : "Environment",
            };

            while (true)
            {
                LoomcycleConnection cached = Ambient.GetOrAdd(key, Create);
                if (!cached.IsDisposed)
                {
                    return cached;
                }

                // Someone closed the shared connection (Get-LoomcycleConnection | Disconnect-Loomcycle): the process and
                // every runspace in it would otherwise be stuck with a closed one. The next command gets a new one.
                LoomcycleConnection fresh = Create(key);
                if (Ambient.TryUpdate(key, fresh, cached))
                {
                    return fresh;
                }

                fresh.Dispose(); // another thread replaced it first: use theirs
            }
        }

        // The cache key must not hold the token itself.
        private static string Fingerprint(string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return "-";
            }

            using SHA256 sha = SHA256.Create();
            return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(token)));
        }
    }
}
