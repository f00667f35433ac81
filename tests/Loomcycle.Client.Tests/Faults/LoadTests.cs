using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;
using static Loomcycle.Client.Tests.FaultTests.FaultTestKit;

namespace Loomcycle.Client.Tests.FaultTests
{
    /// <summary>One connection under load (R6): many threads, pooled sockets, no lost answers, open streams do not starve calls.</summary>
    public sealed class LoadTests
    {
        [Fact]
        public async Task AThousandConcurrentCallsOnOneConnectionAllSucceedOnPooledSockets()
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            using LoomcycleConnection connection = Connect(server);

            for (int i = 0; i < 100; i++)
            {
                await connection.GetRuntimeStateAsync();
            }

            int sequentialConnections = server.ConnectionsOpened;
            Assert.Equal(1, sequentialConnections); // 100 sequential calls, one socket

            var calls = Enumerable.Range(0, 1000).Select(_ => Task.Run(() => connection.GetRuntimeStateAsync())).ToArray();
            RuntimeState[] states = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(2));
            int afterBurst = server.ConnectionsOpened;

            Assert.Equal(1000, states.Length);
            Assert.All(states, s => Assert.Equal("running", s.State));
            Assert.Equal(1100, server.Count("GET", "/v1/_state"));
            Assert.InRange(afterBurst, 1, 256); // bounded by MaxConnectionsPerServer, never one socket per call

            var again = Enumerable.Range(0, 1000).Select(_ => Task.Run(() => connection.GetRuntimeStateAsync())).ToArray();
            await Task.WhenAll(again).WaitAsync(TimeSpan.FromMinutes(2));
            int afterSecondBurst = server.ConnectionsOpened;
            Assert.InRange(afterSecondBurst, afterBurst, 256);
            Console.WriteLine($"R6: 100 sequential calls -> {sequentialConnections} connection; +1000 concurrent -> {afterBurst} connections in total; +1000 more -> {afterSecondBurst}");
        }

        [Fact]
        public async Task ThreeOpenStreamsDoNotStarveACancelCall()
        {
            await using var server = await FakeLoomcycleServer.StartAsync();
            using LoomcycleConnection connection = Connect(server);
            var streams = new List<RunStream>();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    streams.Add(await connection.StartRunAsync(new RunRequest { Agent = "hold", Prompt = "x", AgentId = "held" + i }).WaitAsync(HangGuard));
                }

                await server.WaitForHeldAsync(3, HangGuard);
                CancelAgentResult cancelled = await connection.CancelAgentAsync("held0", "test").WaitAsync(HangGuard);
                RuntimeState state = await connection.GetRuntimeStateAsync().WaitAsync(HangGuard);

                Assert.True(cancelled.Cancelled);
                Assert.Equal("running", state.State);
                Assert.True(server.ConnectionsOpened >= 4);
            }
            finally
            {
                server.ReleaseHeld();
                streams.ForEach(s => s.Dispose());
            }
        }

        [Fact]
        public void TheWindowsPowerShellBuildRaisesTheTwoConnectionDefault()
        {
            string desktop = Path.Combine(RepositoryRoot(), "out", "Loomcycle", "bin", "Desktop", "Loomcycle.Client.dll");
            Assert.True(File.Exists(desktop), "build the module first: " + desktop);
            var context = new AssemblyLoadContext("desktop-build", isCollectible: true);
            try
            {
                Assembly assembly = context.LoadFromAssemblyPath(desktop);
                Type optionsType = assembly.GetType("Loomcycle.LoomcycleConnectionOptions", throwOnError: true)!;
                Type factory = assembly.GetType("Loomcycle.HandlerFactory", throwOnError: true)!;
                object options = Activator.CreateInstance(optionsType)!;
                using var handler = (HttpMessageHandler)factory.GetMethod("Create", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, new[] { options })!;

                var clientHandler = Assert.IsType<HttpClientHandler>(handler);
                Assert.True(clientHandler.MaxConnectionsPerServer >= 16, $"MaxConnectionsPerServer is {clientHandler.MaxConnectionsPerServer}");
                Assert.False(clientHandler.AllowAutoRedirect);
                Assert.False(clientHandler.UseCookies);
                Assert.Null(clientHandler.ServerCertificateCustomValidationCallback); // certificates validated by default
            }
            finally
            {
                context.Unload();
            }
        }

        private static string RepositoryRoot()
        {
            for (DirectoryInfo? dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Loomcycle.PowerShell.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("no repository root");
        }
    }
}
