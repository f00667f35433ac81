using System;
using System.Net.Http;

namespace Loomcycle
{
    /// <summary>One pooled handler per connection, configured for an API client: no redirects, no cookies.</summary>
    internal static class HandlerFactory
    {
        /// <summary>
        /// Connections per server. Windows PowerShell's default is 2, which two open streams exhaust (a cancel
        /// would then wait behind them); a bound still keeps a burst of parallel calls from opening a socket each.
        /// </summary>
        internal const int MaxConnectionsPerServer = 256;

        public static HttpMessageHandler Create(LoomcycleConnectionOptions options)
        {
#if NET8_0_OR_GREATER
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = options.ConnectTimeout,
                // Below the server's 120 s keep-alive idle timeout, so we never reuse a socket it is closing.
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
                MaxConnectionsPerServer = MaxConnectionsPerServer,
            };
            if (options.SkipCertificateCheck)
            {
                handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            }

            // A run stream left early (break, Select-Object -First, Ctrl+C) must close its connection at once, so the
            // server cancels the run now; the default would keep reading the open stream for up to 2 s to reuse the socket.
            handler.ResponseDrainTimeout = TimeSpan.Zero;
            return handler;
#else
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                // .NET Framework allows 2 connections per host by default: an open stream would starve a cancel.
                MaxConnectionsPerServer = MaxConnectionsPerServer,
            };
            if (options.SkipCertificateCheck)
            {
                handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
            }

            return handler;
#endif
        }
    }
}
