using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;
using Loomcycle.Benchmarks.Infrastructure;

namespace Loomcycle.Benchmarks.Scenarios
{
    /// <summary>
    /// Scenario 8b (issue 15 goal 6): <c>Invoke-LoomcycleBatch</c> over N inputs adds &lt; 5 % to the server's time. The
    /// cmdlet sends POST /v1/runs:batch in calls of 32; the fake server sums the time its request delegate spent on
    /// them (<see cref="FakeServer.FakeLoomcycleServer.HandlerTime"/>). Baseline: a bare HttpClient loop sending the very
    /// bodies the cmdlet sent (captured from the fake's request log) and parsing each answer with JsonDocument.
    /// The fake's echo runs end at once, so the server's time here is the HTTP handling alone: the ratio to it is an
    /// upper bound of what the client adds (a real server spends seconds per run).
    /// </summary>
    public sealed class BatchScenario : IAsyncDisposable
    {
        private BatchScenario(BenchServer server, HostedRunspace runspace, int inputs)
        {
            Server = server;
            Runspace = runspace;
            Inputs = inputs;
            Runspace.Runspace.SessionStateProxy.SetVariable(
                "benchPrompts", Enumerable.Range(0, inputs).Select(i => "prompt " + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        }

        public BenchServer Server { get; }

        public HostedRunspace Runspace { get; }

        public int Inputs { get; }

        /// <summary>The request bodies the cmdlet sent (set by <see cref="CaptureBodies"/>).</summary>
        public IReadOnlyList<byte[]> Bodies { get; private set; } = Array.Empty<byte[]>();

        /// <summary>Server handler time (ms) and requests of the latest operation.</summary>
        public (double Ms, long Requests) LastServer { get; private set; }

        public static async Task<BatchScenario> StartAsync(int inputs)
        {
            BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
            return new BatchScenario(server, HostedRunspace.ForLoomcycle(server.BaseUri), inputs);
        }

        private void Before()
        {
            Server.Server.State.Clear(); // the fake keeps every run; start each operation from the same state
            Server.Server.ClearRequests();
            Server.Server.ResetHandlerTime();
        }

        private void After() => LastServer = (Server.Server.HandlerTime.TotalMilliseconds, Server.Server.HandledRequests);

        /// <summary>Runs the pipeline form once and keeps its request bodies; checks every input got a completed result.</summary>
        public void CaptureBodies()
        {
            Before();
            object count = Runspace.Run("@($benchPrompts | Invoke-LoomcycleBatch -Agent echo | Where-Object Status -eq 'completed').Count")[0].BaseObject;
            if (count is not int n || n != Inputs)
            {
                throw new InvalidOperationException($"Invoke-LoomcycleBatch returned {count} completed results for {Inputs} inputs.");
            }

            Bodies = Server.Server.Requests.Where(r => r.Method == "POST" && r.Path == "/v1/runs:batch").Select(r => r.Body).ToArray();
            int spawns = Bodies.Sum(b => JsonDocument.Parse(b).RootElement.GetProperty("spawns").GetArrayLength());
            if (spawns != Inputs)
            {
                throw new InvalidOperationException($"The captured batch bodies hold {spawns} spawns, not {Inputs}.");
            }
        }

        /// <summary>The baseline: the same bodies, POSTed one after another, each answer parsed.</summary>
        public async Task BareAsync()
        {
            Before();
            int results = 0;
            foreach (byte[] body in Bodies)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using HttpResponseMessage response = await Server.Bare.PostAsync("v1/runs:batch", content).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
                results += doc.RootElement.GetProperty("results").GetArrayLength();
            }

            After();
            if (results != Inputs)
            {
                throw new InvalidOperationException($"The bare loop got {results} results for {Inputs} inputs.");
            }
        }

        /// <summary><c>$prompts | Invoke-LoomcycleBatch -Agent echo | Out-Null</c>: one input per pipeline record.</summary>
        public void CmdletPipeline()
        {
            Before();
            Runspace.Run("$benchPrompts | Invoke-LoomcycleBatch -Agent echo | Out-Null");
            After();
        }

        /// <summary><c>Invoke-LoomcycleBatch -Agent echo -Prompt $prompts | Out-Null</c>: every input in one record.</summary>
        public void CmdletParameter()
        {
            Before();
            Runspace.Run("Invoke-LoomcycleBatch -Agent echo -Prompt $benchPrompts | Out-Null");
            After();
        }

        public async ValueTask DisposeAsync()
        {
            Runspace.Dispose();
            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
