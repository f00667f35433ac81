using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>
    /// The bearer token never leaks: servers and proxies that echo the Authorization header (or the request's
    /// user bearer) into error bodies, error frames and other answers must not turn errors into token leaks.
    /// </summary>
    public sealed class TokenSecurityTests : EngineTest
    {
        private readonly string _token = "canary-" + Guid.NewGuid().ToString("N");
        private readonly ConcurrentQueue<string> _diagnostics = new ConcurrentQueue<string>();

        public TokenSecurityTests(ServerFixture fixture) : base(fixture) { }

        private LoomcycleConnection TokenConnection()
        {
            LoomcycleCallContext.Current = new LoomcycleCallContext { Diagnostics = (_, message) => _diagnostics.Enqueue(message) };
            return Connect(_token);
        }

        private void AssertNoToken(params string?[] texts)
        {
            foreach (string? text in texts.Concat(_diagnostics))
            {
                Assert.DoesNotContain(_token, text ?? string.Empty);
            }
        }

        private void AssertNoToken(Exception ex) =>
            AssertNoToken(ex.Message, ex.ToString(), (ex as LoomcycleException)?.BodyText, (ex as LoomcycleException)?.Target);

        [Theory]
        [InlineData("text/plain; charset=utf-8")]
        [InlineData("application/json")]
        public async Task Http500EchoingAuthorization_NoTokenInMessageBodyTextOrToString(string contentType)
        {
            LoomcycleConnection connection = TokenConnection();
            Server.Enqueue("GET", "/v1/_state", Echo.AuthorizationInto(500, contentType,
                header => contentType.StartsWith("application/json") ? "{\"code\":\"internal\",\"error\":\"saw " + header + "\"}" : "saw header " + header + "\n"));

            var ex = await Assert.ThrowsAsync<LoomcycleException>(() => connection.GetRuntimeStateAsync());

            Assert.Equal("Bearer " + _token, SingleRequest().Header("Authorization")); // it really was echoed
            Assert.Contains("***", ex.BodyText);
            AssertNoToken(ex);
        }

        [Fact]
        public async Task Http401OnARunEchoingAuthorization_NoToken()
        {
            LoomcycleConnection connection = TokenConnection();
            Server.Enqueue("POST", "/v1/runs", Echo.AuthorizationInto(401, "text/plain; charset=utf-8", header => "unauthorized: " + header));

            var ex = await Assert.ThrowsAsync<AuthException>(() => connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" }));

            AssertNoToken(ex);
        }

        [Fact]
        public async Task ErrorFrameEchoingAuthorizationAndUserBearer_NoTokenInEventErrorDataOrResult()
        {
            const string userBearer = "user-bearer-canary-0123456789";
            LoomcycleConnection connection = TokenConnection();
            Server.Enqueue("POST", "/v1/runs", Echo.AuthorizationIntoStream((header, body) =>
                Faults.Frame("started", "{\"type\":\"started\"}") +
                Faults.Frame("error", "{\"type\":\"error\",\"error\":\"rejected " + header + " and " + userBearer + "\"}") +
                Faults.Frame("error", "{\"type\":\"error\",\"error\":\"provider error: rejected " + header + " and " + userBearer + "\"}")));

            RunStream stream = await connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p", UserBearer = Secure(userBearer) });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Contains(userBearer, SingleRequest().BodyText); // sent to the server, as it must be
            RunEvent[] errors = events.Where(e => e.Type == "error").ToArray();
            Assert.Equal(2, errors.Length);
            foreach (RunEvent error in errors)
            {
                AssertNoToken(error.Error, error.Data, error.ToString());
                Assert.DoesNotContain(userBearer, error.Error);
                Assert.DoesNotContain(userBearer, error.Data);
            }

            AssertNoToken(stream.Result.FailureReason, string.Join(" ", stream.Result.Errors));
            Assert.DoesNotContain(userBearer, stream.Result.FailureReason);
        }

        [Fact]
        public async Task MalformedFrameEchoingAuthorization_WarningHasNoToken()
        {
            LoomcycleConnection connection = TokenConnection();
            Server.Enqueue("POST", "/v1/runs", Echo.AuthorizationIntoStream((header, _) =>
                "event: text\ndata: {broken " + header + "\n\n" + Faults.Frame("done", "{\"type\":\"done\"}")));

            RunStream stream = await connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            await DrainAsync(stream);

            Assert.Equal(1, stream.SkippedFrames);
            Assert.Contains(_diagnostics, d => d.Contains("{broken Bearer ***"));
            AssertNoToken();
        }

        [Fact]
        public async Task NonSseAnswerOnARunEchoingAuthorization_ProtocolExceptionHasNoToken()
        {
            LoomcycleConnection connection = TokenConnection();
            Server.Enqueue("POST", "/v1/runs", Echo.AuthorizationInto(200, "text/html", header => "<p>" + header + "</p>"));

            var ex = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" }));

            AssertNoToken(ex);
        }

        [Fact]
        public async Task InvalidJson200EchoingAuthorization_ProtocolExceptionHasNoToken()
        {
            LoomcycleConnection connection = TokenConnection();
            Server.Enqueue("GET", "/v1/hooks", Echo.AuthorizationInto(200, "application/json", header => "{\"hooks\": " + header));

            var ex = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => connection.ListHooksAsync());

            Assert.Contains("***", ex.BodyText);
            AssertNoToken(ex);
        }

        [Fact]
        public async Task RedirectWhoseLocationCarriesTheToken_MessageHasNoToken()
        {
            LoomcycleConnection connection = TokenConnection();
            Server.Enqueue("GET", "/v1/_state", Faults.Redirect("https://proxy.example/login?token=" + _token));

            var ex = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => connection.GetRuntimeStateAsync());

            Assert.Contains("proxy.example", ex.Message);
            AssertNoToken(ex);
        }

        [Fact]
        public async Task ConnectionRefused_MessageHasNoToken()
        {
            var options = new LoomcycleConnectionOptions { BaseUri = new Uri("http://127.0.0.1:1/"), Token = Secure(_token), MaximumRetryCount = 0 };
            using var connection = new LoomcycleConnection(options);
            TokenConnection();

            var ex = await Assert.ThrowsAnyAsync<LoomcycleException>(() => connection.GetRuntimeStateAsync());

            AssertNoToken(ex);
        }

        [Fact]
        public async Task ConnectionToStringAndPublicProperties_NeverShowTheToken()
        {
            LoomcycleConnection connection = TokenConnection();
            await connection.GetHealthAsync();

            Assert.True(connection.HasToken);
            Assert.Contains("bearer token", connection.ToString());
            AssertNoToken(connection.ToString());
            foreach (PropertyInfo property in typeof(LoomcycleConnection).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                AssertNoToken(property.GetValue(connection)?.ToString());
            }
        }

        [Fact]
        public async Task SuccessfulCallsWithDiagnostics_NeverShowTheToken()
        {
            LoomcycleConnection connection = TokenConnection();

            await connection.GetRuntimeStateAsync();
            await connection.ListHooksAsync();
            RunStream stream = await connection.StartRunAsync(new RunRequest { Agent = "echo", Prompt = "p" });
            await DrainAsync(stream);

            Assert.NotEmpty(_diagnostics);
            AssertNoToken();
        }
        [Fact]
        public async Task JsonErrorBodyWithTheTokenJsonEscaped_MessageHasNoToken()
        {
            // A base64-style token echoed by a JSON encoder that escapes '+' and '/' (System.Text.Json, PHP) does not
            // match the raw text; the message is the decoded "error" string, so it must be redacted after decoding.
            string token = "b64+canary/" + Guid.NewGuid().ToString("N") + "==";
            LoomcycleCallContext.Current = new LoomcycleCallContext { Diagnostics = (_, message) => _diagnostics.Enqueue(message) };
            LoomcycleConnection connection = Connect(token);
            Server.Enqueue("GET", "/v1/hooks", Echo.AuthorizationInto(500, "application/json",
                header => "{\"code\":\"internal\",\"error\":" + System.Text.Json.JsonSerializer.Serialize("saw " + header).Replace("/", "\\/") + "}"));

            var ex = await Assert.ThrowsAsync<LoomcycleException>(() => connection.ListHooksAsync());

            Assert.Equal("Bearer " + token, SingleRequest().Header("Authorization"));
            Assert.Equal("{\"code\":\"internal\",\"error\":\"saw Bearer ***\"}", ex.BodyText); // the escaped form is masked too
            Assert.Equal("internal", ex.Code);
            foreach (string? text in new[] { ex.Message, ex.ToString(), ex.BodyText }.Concat(_diagnostics))
            {
                Assert.DoesNotContain(token, text ?? string.Empty);
            }
        }

        [Fact]
        public async Task JsonErrorWhoseMessageSpellsTheTokenOnlyOnceDecoded_MessageAndCodeHaveNoToken()
        {
            // The raw body holds the token with its first character as \u00XX: the raw-body masking cannot see it, so
            // only the redaction of the decoded "error" message stands between the token and the exception message.
            LoomcycleConnection connection = TokenConnection();
            var canary = new LeakCanary(_token);
            canary.Arm(Server, EchoShape.EscapedJson400, count: 1, pathPrefix: "/v1/hooks");

            var ex = await Assert.ThrowsAsync<InvalidArgumentException>(() => connection.ListHooksAsync());

            canary.AssertSentBack("GET /v1/hooks");
            Assert.DoesNotContain(_token, ex.BodyText); // the raw body never spelled it
            Assert.Contains("bad header Bearer ***", ex.Message);
            AssertNoToken(ex);
        }

        [Fact]
        public async Task StreamFramesThatSpellTheTokenOnlyOnceDecoded_TextAndErrorHaveNoToken()
        {
            // As above, in SSE frames: only the re-masking of the decoded text/error fields hides the token.
            const string userBearer = "user-bearer-canary-9876543210";
            LoomcycleConnection connection = TokenConnection();
            var canary = new LeakCanary(_token, userBearer);
            canary.Arm(Server, EchoShape.EscapedJson400, count: 1, pathPrefix: "/v1/runs");

            RunStream stream = await connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p", UserBearer = Secure(userBearer) });
            List<RunEvent> events = await DrainAsync(stream);

            canary.AssertSentBack("POST /v1/runs");
            RunEvent text = Assert.Single(events, e => e.Type == "text");
            Assert.Contains("the provider saw Bearer ***", text.Text);
            Assert.Equal(2, events.Count(e => e.Type == "error"));
            foreach (RunEvent ev in events)
            {
                AssertNoToken(ev.Text, ev.Error, ev.Data, ev.ToString());
                Assert.DoesNotContain(userBearer, (ev.Text ?? string.Empty) + ev.Error + ev.Data);
            }

            AssertNoToken(stream.Result.FailureReason, string.Join(" ", stream.Result.Errors), stream.Result.Text);
            Assert.DoesNotContain(userBearer, stream.Result.FailureReason + stream.Result.Text);
        }

        [Fact]
        public async Task LongTextsHoldingTheTokenPlainlyOrBehindEscapes_TextHasNoToken()
        {
            // Texts of 1 KiB or more are searched once unescaped instead of decoded (DeferredTextConverter): the token
            // written plainly or spelled with a \u escape in a long tool result or delta must still be masked in Text,
            // and appear nowhere else; a clean long text still reads back.
            LoomcycleConnection connection = TokenConnection();
            string padding = new string('x', 4000);
            string escapedToken = "\\u" + ((int)_token[0]).ToString("x4") + _token.Substring(1);
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(
                Faults.Frame("tool_result", "{\"type\":\"tool_result\",\"text\":\"" + padding + " plain " + _token + "\"}") +
                Faults.Frame("tool_result", "{\"type\":\"tool_result\",\"text\":\"" + padding + " escaped " + escapedToken + "\"}") +
                Faults.Frame("text", "{\"type\":\"text\",\"text\":\"" + padding + " delta " + escapedToken + "\"}") +
                Faults.Frame("tool_result", "{\"type\":\"tool_result\",\"text\":\"" + padding + " clean\"}") +
                Faults.Frame("done", "{\"type\":\"done\"}")));

            RunStream stream = await connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Equal(5, events.Count);
            Assert.Equal(padding + " plain ***", events[0].Text);
            Assert.Equal(padding + " escaped ***", events[1].Text);
            Assert.Equal(padding + " delta ***", events[2].Text);
            Assert.Equal(padding + " clean", events[3].Text);
            foreach (RunEvent ev in events)
            {
                AssertNoToken(ev.Text, ev.Data, ev.ToString(), System.Text.Json.JsonSerializer.Serialize(ev, LoomcycleJsonContext.Default.RunEvent));
            }

            AssertNoToken(stream.Result.Text);
        }

        [Fact]
        public async Task FramesThatSpellTheTokenBehindEscapesInAnyField_NoFieldHasTheToken()
        {
            // Not only text and error: a token spelled with \u escapes in the type, a tool's name, the stop reason, an
            // unknown field or a field's name must be masked too (the fuzz found it in the type), beside a plain one.
            LoomcycleConnection connection = TokenConnection();
            string escaped = "\\u" + ((int)_token[0]).ToString("x4") + _token.Substring(1);
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(
                Faults.Frame("x", "{\"type\":\"tool_" + escaped + "\",\"tool_use\":{\"id\":\"t1\",\"name\":\"" + escaped + "\",\"input\":{\"" + escaped + "\":[1.50,true,null]}}}") +
                Faults.Frame("x", "{\"type\":\"note\",\"extra\":{\"k\":\"v " + escaped + "\"},\"" + escaped + "\":2}") +
                Faults.Frame("x", "{\"type\":\"note\",\"extra\":\"" + _token + " and " + escaped + "\",\"text\":\"kept\"}") +
                Faults.Frame("x", "{\"type\":\"tool_result\",\"tool_use\":{\"name\":\"" + escaped + "\"},\"text\":\"" + new string('x', 3000) + "\\n\"}") +
                Faults.Frame("done", "{\"type\":\"done\",\"stop_reason\":\"" + escaped + "\"}")));

            RunStream stream = await connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Equal(new[] { "tool_***", "note", "note", "tool_result", "done" }, events.Select(e => e.Type));
            Assert.Equal("***", events[3].ToolUse!.Name); // beside a long text, which is searched on its own
            Assert.Equal(new string('x', 3000) + "\n", events[3].Text);
            Assert.Equal("***", events[0].ToolUse!.Name);
            Assert.Equal("{\"***\":[1.50,true,null]}", events[0].ToolUse!.Input);
            Assert.Equal("kept", events[2].Text);
            Assert.Equal("***", events[4].StopReason);
            foreach (RunEvent ev in events)
            {
                string extras = string.Join(" ", (ev.AdditionalProperties ?? new Dictionary<string, System.Text.Json.JsonElement>()).Select(p => p.Key + "=" + p.Value.GetRawText() + "=" + p.Value.ToString()));
                AssertNoToken(ev.Type, ev.ToolUse?.Name, ev.ToolUse?.Input, ev.StopReason, ev.Text, ev.Data, ev.ToString(), extras,
                    System.Text.Json.JsonSerializer.Serialize(ev, LoomcycleJsonContext.Default.RunEvent));
                Assert.DoesNotContain(_token, System.Text.RegularExpressions.Regex.Unescape(ev.Data));
            }
        }

        [Fact]
        public async Task FrameWhoseTokenSitsInsideAnEscape_SkippedWithAWarning_NothingLeaks()
        {
            // A token that begins with "u" and four hex digits can sit inside a \u escape: masking it breaks the JSON,
            // so no safe reading is left and the frame is dropped, with a warning that does not quote it.
            const string token = "u0041-escape-canary-5150";
            var diagnostics = new ConcurrentQueue<string>();
            LoomcycleCallContext.Current = new LoomcycleCallContext { Diagnostics = (_, message) => diagnostics.Enqueue(message) };
            LoomcycleConnection connection = Connect(token);
            Server.Enqueue("POST", "/v1/runs", Faults.RawSse(
                Faults.Frame("text", "{\"type\":\"text\",\"text\":\"x\\" + token + "\"}") +
                Faults.Frame("done", "{\"type\":\"done\"}")));

            RunStream stream = await connection.StartRunAsync(new RunRequest { Agent = "qa", Prompt = "p" });
            List<RunEvent> events = await DrainAsync(stream);

            Assert.Equal("done", Assert.Single(events).Type);
            Assert.Equal(1, stream.SkippedFrames);
            Assert.Contains(diagnostics, d => d.Contains("'text' event that carried a secret and cannot be read once it is masked"));
            Assert.All(diagnostics.Concat(events.Select(e => e.Data)), text => Assert.DoesNotContain(token, text));
        }

        [Fact]
        public async Task AMintAnswerThisModuleCannotReadKeepsItsNewSecretOutOfTheError()
        {
            // A 201 whose modelled fields have an unexpected shape: the body kept for the error still holds the new token,
            // which no list of known secrets can name yet.
            Reply("POST", "/v1/_users/alice/tokens", 201, "{\"token\":\"lcu_minted_secret_0123456789\",\"def_id\":\"def_1\",\"created_at\":\"not a date\"}");

            var ex = await Assert.ThrowsAsync<LoomcycleProtocolException>(() => Connection.CreateUserTokenAsync("alice"));

            Assert.DoesNotContain("lcu_minted_secret", ex.BodyText ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain("lcu_minted_secret", ex.ToString(), StringComparison.Ordinal);
            Assert.Contains("\"token\":\"***\"", ex.BodyText, StringComparison.Ordinal);
            Assert.Contains("not a date", ex.BodyText, StringComparison.Ordinal); // the rest of the body is kept
        }

        [Theory]
        [InlineData("{\"token\":\"abc\\\"def\",\"x\":1}", "{\"token\":\"***\",\"x\":1}")]
        [InlineData("{\"import_token\" : \"abc\", \"token_count\":2}", "{\"import_token\" : \"***\", \"token_count\":2}")]
        [InlineData("{\"id\":1,\"token\":\"cut off at the excerpt's e", "{\"id\":1,\"token\":\"***\"")]
        [InlineData("{\"tokens\":[]}", "{\"tokens\":[]}")]
        public void MintedSecretFieldsAreMaskedWhereverTheyStand(string body, string expected) =>
            Assert.Equal(expected, SecretRedactor.MaskMintedSecrets(body));
    }
}
