using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.Hooks;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>The engine's hook receiver without PowerShell: routing, refusals, fail modes, stop.</summary>
    public sealed class HookListenerTests : IDisposable
    {
        private const string PreCall = "{\"phase\":\"pre\",\"owner\":\"o\",\"hook_name\":\"n\",\"agent\":\"a\",\"tool_call\":{\"id\":\"t1\",\"name\":\"Bash\",\"input\":{\"command\":\"ls\"}}}";
        private const string PostCall = "{\"phase\":\"post\",\"owner\":\"o\",\"hook_name\":\"n\",\"agent\":\"a\",\"tool_call\":{\"id\":\"t1\",\"name\":\"Bash\",\"input\":{}},\"tool_result\":{\"text\":\"out\",\"is_error\":true}}";

        private static readonly HttpClient Http = new HttpClient();
        private readonly HookListener _listener = new HookListener(IPAddress.Loopback, 0);

        public void Dispose() => _listener.Stop();

        private static async Task<(HttpStatusCode Status, string Body)> PostAsync(Uri uri, string body)
        {
            using HttpResponseMessage response = await Http.PostAsync(uri, new StringContent(body, Encoding.UTF8, "application/json"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        [Fact]
        public async Task TheHandlerGetsTheParsedCallAndItsAnswerIsSentAsJson()
        {
            HookCall? seen = null;
            HookRoute route = _listener.AddRoute("o", "n", "post", "open", TimeSpan.FromSeconds(5), (call, _) =>
            {
                seen = call;
                return Task.FromResult<HookAnswer?>(new HookAnswer { ResultText = "new", ResultIsError = false });
            });

            var (status, body) = await PostAsync(route.CallbackUri, PostCall);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("{\"result\":{\"text\":\"new\"}}", body);
            Assert.Equal("post", seen!.Phase);
            Assert.Equal("n", seen.HookName);
            Assert.Equal("Bash", seen.ToolName);
            Assert.Equal("out", seen.ToolResultText);
            Assert.True(seen.ToolResultIsError);
        }

        [Fact]
        public async Task NoAnswerIs204()
        {
            HookRoute route = _listener.AddRoute("o", "n", "pre", null, TimeSpan.FromSeconds(5), (_, _) => Task.FromResult<HookAnswer?>(null));
            var (status, body) = await PostAsync(route.CallbackUri, PreCall);
            Assert.Equal(HttpStatusCode.NoContent, status);
            Assert.Equal(string.Empty, body);
        }

        [Theory]
        [InlineData("closed", HttpStatusCode.OK, "{\"deny\":{\"text\":\"tool_call denied: hook o/n failed (no answer within 0.3 s)\",\"is_error\":true}}")]
        [InlineData("open", HttpStatusCode.NoContent, "")]
        public async Task AHandlerThatNeverAnswersGetsTheFailModeAndIsCancelled(string failMode, HttpStatusCode expectedStatus, string expectedBody)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            HookRoute route = _listener.AddRoute("o", "n", "pre", failMode, TimeSpan.FromMilliseconds(400), async (_, token) =>
            {
                token.Register(() => cancelled.TrySetResult(true));
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
                return null;
            });

            var (status, body) = await PostAsync(route.CallbackUri, PreCall);

            Assert.Equal(expectedStatus, status);
            Assert.Equal(expectedBody, body);
            Assert.True(await cancelled.Task);
            HookListenerError error = Assert.Single(_listener.Errors);
            Assert.Equal("TimedOut", error.Reason);
            Assert.Equal("Bash", error.ToolName);
        }

        [Fact]
        public async Task AThrowingPostHandlerWithTheClosedFailModeDiscardsTheResult()
        {
            HookRoute route = _listener.AddRoute("o", "n", "post", "closed", TimeSpan.FromSeconds(5), (_, _) => throw new InvalidOperationException("kaput"));
            var (status, body) = await PostAsync(route.CallbackUri, PostCall);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("{\"result\":{\"text\":\"tool_result discarded: hook o/n failed (it threw an error)\",\"is_error\":true}}", body);
            Assert.Equal("kaput", Assert.Single(_listener.Errors).Message);
        }

        [Fact]
        public async Task AnInputThatIsNotJsonIsABadAnswer()
        {
            HookRoute route = _listener.AddRoute("o", "n", "pre", "closed", TimeSpan.FromSeconds(5), (_, _) => Task.FromResult<HookAnswer?>(new HookAnswer { InputJson = "{nope" }));
            var (_, body) = await PostAsync(route.CallbackUri, PreCall);
            Assert.Contains("its answer was not valid", body);
            Assert.Equal("BadAnswer", Assert.Single(_listener.Errors).Reason);
        }

        [Theory]
        [InlineData("Closed", "PRE")]
        [InlineData("CLOSED", "Pre")]
        public async Task TheFailModeAndPhaseCountInAnyCase(string failMode, string phase)
        {
            // "Closed" once failed open here: the fail mode was compared with "closed" as given, and a throwing guard let the call through.
            HookRoute route = _listener.AddRoute("o", "n", phase, failMode, TimeSpan.FromSeconds(5), (_, _) => throw new InvalidOperationException("kaput"));
            Assert.Equal("closed", route.FailMode);
            Assert.Equal("pre", route.Phase);

            var (status, body) = await PostAsync(route.CallbackUri, PreCall);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("{\"deny\":{\"text\":\"tool_call denied: hook o/n failed (it threw an error)\",\"is_error\":true}}", body);
        }

        [Fact]
        public void AnUnknownFailModeOrPhaseIsRefusedWhenTheRouteIsAdded()
        {
            ArgumentException failMode = Assert.Throws<ArgumentException>(() => _listener.AddRoute("o", "n", "pre", "shut", TimeSpan.FromSeconds(5), (_, _) => Task.FromResult<HookAnswer?>(null)));
            Assert.Equal("failMode", failMode.ParamName);
            Assert.Contains("'shut'", failMode.Message);
            Assert.Equal("phase", Assert.Throws<ArgumentException>(() => _listener.AddRoute("o", "n", "during", null, TimeSpan.FromSeconds(5), (_, _) => Task.FromResult<HookAnswer?>(null))).ParamName);
            Assert.Empty(_listener.Routes);
        }

        [Fact]
        public async Task NonLatinTextIsAnsweredAsUtf8NotAsEscapes()
        {
            // 300 000 Cyrillic letters: 600 KB as UTF-8, 1.8 MB as \uXXXX escapes — past the 1 MiB the server reads.
            string redacted = new string('д', 300_000);
            HookRoute route = _listener.AddRoute("o", "n", "post", "closed", TimeSpan.FromSeconds(5), (_, _) => Task.FromResult<HookAnswer?>(new HookAnswer { ResultText = redacted }));

            using HttpResponseMessage response = await Http.PostAsync(route.CallbackUri, new StringContent(PostCall, Encoding.UTF8, "application/json"));
            byte[] body = await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(body.Length <= HookListener.MaxAnswerBytes, body.Length + " bytes");
            using var answer = System.Text.Json.JsonDocument.Parse(body);
            Assert.Equal(redacted, answer.RootElement.GetProperty("result").GetProperty("text").GetString());
            Assert.Empty(_listener.Errors);
        }

        [Theory]
        [InlineData("closed", HttpStatusCode.OK, "{\"result\":{\"text\":\"tool_result discarded: hook o/n failed (its answer was too large)\",\"is_error\":true}}")]
        [InlineData("open", HttpStatusCode.NoContent, "")]
        public async Task AnAnswerLongerThanTheServerReadsGetsTheFailModeAndIsRecorded(string failMode, HttpStatusCode expectedStatus, string expectedBody)
        {
            // The server would read only its first 1 MiB, fail to parse it and, under open, pass the unredacted result on
            // while the listener believed it had answered.
            HookRoute route = _listener.AddRoute("o", "n", "post", failMode, TimeSpan.FromSeconds(5), (_, _) =>
                Task.FromResult<HookAnswer?>(new HookAnswer { ResultText = new string('x', HookListener.MaxAnswerBytes) }));

            var (status, body) = await PostAsync(route.CallbackUri, PostCall);

            Assert.Equal(expectedStatus, status);
            Assert.Equal(expectedBody, body);
            HookListenerError error = Assert.Single(_listener.Errors);
            Assert.Equal("BadAnswer", error.Reason);
            Assert.Contains("the server reads at most 1048576", error.Message);
            Assert.Equal(1, route.Failures);
        }

        [Fact]
        public async Task ACallTooLargeToTakeIsRefusedAndRecorded()
        {
            int handled = 0;
            HookRoute route = _listener.AddRoute("o", "n", "post", "closed", TimeSpan.FromSeconds(5), (_, _) =>
            {
                Interlocked.Increment(ref handled);
                return Task.FromResult<HookAnswer?>(null);
            });
            string huge = PostCall.Replace("\"out\"", "\"" + new string('o', HookListener.MaxBodyBytes) + "\"");

            var (status, _) = await PostAsync(route.CallbackUri, huge);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal(0, handled);
            HookListenerError error = Assert.Single(_listener.Errors);
            Assert.Equal("TooLarge", error.Reason);
            Assert.Contains("refused (413)", error.Message);
            Assert.Equal(0, route.Calls); // refused before it was read: not a call the handler answered
        }

        [Fact]
        public async Task ChunkedBodiesAreRefusedAndKeepAliveConnectionsServeSeveralCalls()
        {
            int calls = 0;
            HookRoute route = _listener.AddRoute("o", "n", "pre", null, TimeSpan.FromSeconds(5), (_, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult<HookAnswer?>(null);
            });

            using (var client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, _listener.Port);
                NetworkStream stream = client.GetStream();
                byte[] request = Encoding.ASCII.GetBytes("POST " + route.Path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + PreCall.Length + "\r\n\r\n" + PreCall);
                await stream.WriteAsync(request);
                await stream.WriteAsync(request);
                byte[] buffer = new byte[4096];
                var text = new StringBuilder();
                while (CountOf(text.ToString(), "HTTP/1.1 204") < 2)
                {
                    int read = await stream.ReadAsync(buffer);
                    Assert.NotEqual(0, read);
                    text.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
            }

            Assert.Equal(2, calls);

            using (var client = new TcpClient())
            {
                await client.ConnectAsync(IPAddress.Loopback, _listener.Port);
                NetworkStream stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes("POST " + route.Path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
                string response = await new StreamReader(stream).ReadToEndAsync();
                Assert.StartsWith("HTTP/1.1 411 ", response, StringComparison.Ordinal);
            }

            Assert.Equal(2, calls);
        }

        [Fact]
        public async Task StopClosesThePortAndForgetsTheRoutes()
        {
            HookRoute route = _listener.AddRoute("o", "n", "pre", null, TimeSpan.FromSeconds(5), (_, _) => Task.FromResult<HookAnswer?>(null));
            _listener.Stop();
            Assert.False(_listener.IsRunning);
            Assert.Empty(_listener.Routes);
            await Assert.ThrowsAsync<HttpRequestException>(() => Http.PostAsync(route.CallbackUri, new StringContent(PreCall)));
            Assert.Throws<InvalidOperationException>(() => _listener.AddRoute("o", "m", "pre", null, TimeSpan.FromSeconds(1), (_, _) => Task.FromResult<HookAnswer?>(null)));
        }

        private static int CountOf(string text, string part)
        {
            int count = 0;
            for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }
    }
}
