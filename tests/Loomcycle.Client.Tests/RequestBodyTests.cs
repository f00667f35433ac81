using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>
    /// RequestBodies: exactly the options given reach the wire (null absent, empty list <c>[]</c>), and input the
    /// server would refuse with a 400 fails first, without echoing secrets.
    /// </summary>
    public sealed class RequestBodyTests
    {
        private static JsonElement Parse(byte[] body)
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            return doc.RootElement.Clone();
        }

        private static System.Security.SecureString Secure(string text)
        {
            var s = new System.Security.SecureString();
            foreach (char c in text)
            {
                s.AppendChar(c);
            }

            return s;
        }

        [Fact]
        public void Run_Minimal_AgentAndEmptySegmentsOnly()
        {
            byte[] body = RequestBodies.Run(new RunRequest { Agent = "qa" }, out string? bearer);

            Assert.Null(bearer);
            Assert.Equal("{\"agent\":\"qa\",\"segments\":[]}", Encoding.UTF8.GetString(body));
        }

        [Fact]
        public void Run_UserBearerReturnedForRedaction_AndWrittenToTheBody()
        {
            byte[] body = RequestBodies.Run(new RunRequest { Agent = "qa", UserBearer = Secure("abcdefghijklmnop+/=._-") }, out string? bearer);

            Assert.Equal("abcdefghijklmnop+/=._-", bearer);
            Assert.Equal("abcdefghijklmnop+/=._-", Parse(body).GetProperty("user_bearer").GetString());
        }

        [Theory]
        [InlineData("fifteen-chars15")]
        [InlineData("has space in it 0123")]
        [InlineData("has:colon-0123456789")]
        public void Run_UserBearerOutsideTheServersPattern_RefusedWithoutEchoingIt(string value)
        {
            var ex = Assert.Throws<InvalidArgumentException>(() => RequestBodies.Run(new RunRequest { Agent = "qa", UserBearer = Secure(value) }, out _));
            Assert.DoesNotContain(value, ex.Message);
        }

        [Fact]
        public void Run_UserBearerOf512Accepted_513Refused()
        {
            RequestBodies.Run(new RunRequest { Agent = "qa", UserBearer = Secure(new string('b', 512)) }, out _);
            Assert.Throws<InvalidArgumentException>(() => RequestBodies.Run(new RunRequest { Agent = "qa", UserBearer = Secure(new string('b', 513)) }, out _));
        }

        [Fact]
        public void Run_HtmlAndUnicodeText_RoundTripsThroughJson()
        {
            const string text = "<script>&amp; \"quoted\" \u00e9\u65e5\u672c \ud83d\ude00 \n\t\\";
            byte[] body = RequestBodies.Run(new RunRequest { Agent = "qa", Prompt = text }, out _);

            Assert.Equal(text, Parse(body).GetProperty("segments")[0].GetProperty("content")[0].GetProperty("text").GetString());
        }

        [Fact]
        public void Run_ContentBlockDefaultsAndImageFields()
        {
            byte[] body = RequestBodies.Run(new RunRequest
            {
                Agent = "qa",
                Segments = new[]
                {
                    new PromptSegment
                    {
                        Role = "user",
                        Content = new List<PromptContent>
                        {
                            new PromptContent { Type = "", Text = "t" },
                            new PromptContent { Type = "image", MediaType = "image/png", Data = "iVBORw0KGgo=" },
                        },
                    },
                },
            }, out _);

            JsonAssert.Equal(
                "{\"agent\":\"qa\",\"segments\":[{\"role\":\"user\",\"content\":[{\"type\":\"trusted-text\",\"text\":\"t\"},{\"type\":\"image\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}]}]}",
                Encoding.UTF8.GetString(body));
        }

        [Fact]
        public void Run_NullSegment_Refused()
        {
            Assert.Throws<InvalidArgumentException>(() => RequestBodies.Run(new RunRequest { Agent = "qa", Segments = new PromptSegment[] { null! } }, out _));
        }

        [Fact]
        public void Continue_NeverCarriesUserOrTenantOrAgent()
        {
            byte[] body = RequestBodies.Continue(new ContinueRequest { SessionId = "s1", Prompt = "p", Tools = new[] { "A" } }, out _);

            Assert.Equal(new[] { "allowed_tools", "segments", "tools" }, JsonAssert.Keys(Parse(body)));
        }

        [Fact]
        public void Continue_InvalidAgentId_Refused()
        {
            Assert.Throws<InvalidArgumentException>(() => RequestBodies.Continue(new ContinueRequest { SessionId = "s1", AgentId = "a/b" }, out _));
        }

        [Fact]
        public void CreateSnapshot_NullRequest_EmptyObject()
        {
            Assert.Equal("{}", Encoding.UTF8.GetString(RequestBodies.CreateSnapshot(null)));
        }

        [Fact]
        public void CreateSnapshot_SinceWithFractionAndOffset_Rfc3339Utc()
        {
            byte[] body = RequestBodies.CreateSnapshot(new CreateSnapshotRequest
            {
                IncludeHistory = false,
                IncludeHistorySince = new DateTimeOffset(2026, 5, 1, 9, 0, 0, 250, TimeSpan.FromHours(-5)),
            });

            JsonAssert.Equal("{\"include_history\":false,\"include_history_since\":\"2026-05-01T14:00:00.25Z\"}", Encoding.UTF8.GetString(body));
        }

        [Fact]
        public void RegisterHook_AllFields_AgentsAndToolsArraysEmptyArraysKept()
        {
            byte[] body = RequestBodies.RegisterHook(new RegisterHookRequest
            {
                Owner = "o", Name = "n", Phase = "post", CallbackUrl = "https://h/x", Agents = Array.Empty<string>(), Tools = new[] { "Web*" }, FailMode = "open", TimeoutMs = 0,
            });

            JsonAssert.Equal("{\"owner\":\"o\",\"name\":\"n\",\"phase\":\"post\",\"agents\":[],\"tools\":[\"Web*\"],\"callback_url\":\"https://h/x\",\"fail_mode\":\"open\",\"timeout_ms\":0}",
                Encoding.UTF8.GetString(body));
        }

        [Fact]
        public void ResolveInterrupt_KindDefaultsToQuestion_ResolvedByOptional()
        {
            JsonAssert.Equal("{\"kind\":\"question\",\"answer\":\"\"}", Encoding.UTF8.GetString(RequestBodies.ResolveInterrupt("", null, null)));
            JsonAssert.Equal("{\"kind\":\"question\",\"answer\":\"yes\",\"resolved_by\":\"me\"}", Encoding.UTF8.GetString(RequestBodies.ResolveInterrupt("yes", "me", null)));
        }
    }
}
