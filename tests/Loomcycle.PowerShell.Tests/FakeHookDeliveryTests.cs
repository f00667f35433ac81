using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.FakeServer;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>The fake server calls hooks like the real one (spec §13.4): headers, chain order, server-side timeout and fail modes.</summary>
    public sealed class FakeHookDeliveryTests : IClassFixture<ServerAndSession>
    {
        private readonly ServerAndSession _fixture;

        public FakeHookDeliveryTests(ServerAndSession fixture)
        {
            _fixture = fixture;
            _fixture.Session.Run("Stop-LoomcycleHookListener -Confirm:$false").ThrowIfErrors();
            _fixture.Server.Reset();
        }

        private PSObject ToolResult(PowerShellResult result, string tool) =>
            result.Output.Single(o => o.Str("Type") == "tool_result" && PSObject.AsPSObject(o.Prop("ToolUse")!).Str("Name") == tool);

        /// <summary>A raw receiver that records each request head and body and answers with <paramref name="answer"/> (null: never answers).</summary>
        private sealed class RawReceiver : IDisposable
        {
            private readonly TcpListener _tcp = new TcpListener(IPAddress.Loopback, 0);
            private readonly CancellationTokenSource _stop = new CancellationTokenSource();

            public RawReceiver(string? answer)
            {
                _tcp.Start();
                _ = Task.Run(async () =>
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        TcpClient client;
                        try { client = await _tcp.AcceptTcpClientAsync(_stop.Token); }
                        catch (Exception) { return; }
                        _ = Task.Run(async () =>
                        {
                            using (client)
                            {
                                NetworkStream stream = client.GetStream();
                                var text = new StringBuilder();
                                byte[] buffer = new byte[65536];
                                while (true)
                                {
                                    int read;
                                    try { read = await stream.ReadAsync(buffer, _stop.Token); } catch (Exception) { return; }
                                    if (read == 0) return;
                                    text.Append(Encoding.UTF8.GetString(buffer, 0, read));
                                    string all = text.ToString();
                                    int end = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                                    if (end < 0) continue;
                                    string head = all[..end];
                                    int length = int.Parse(head.Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
                                    if (all.Length - end - 4 < length) continue;
                                    lock (Heads) Heads.Add(head);
                                    if (answer is null)
                                    {
                                        try { await Task.Delay(Timeout.Infinite, _stop.Token); } catch (Exception) { }
                                        return;
                                    }
                                    byte[] body = Encoding.UTF8.GetBytes(answer);
                                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.Length + "\r\nConnection: close\r\n\r\n"));
                                    await stream.WriteAsync(body);
                                    return;
                                }
                            }
                        });
                    }
                });
            }

            public List<string> Heads { get; } = new List<string>();

            public string Url => "http://127.0.0.1:" + ((IPEndPoint)_tcp.LocalEndpoint).Port + "/hook";

            public void Dispose()
            {
                _stop.Cancel();
                _tcp.Stop();
            }
        }

        [Fact]
        public void ACallIsAJsonPostWithGosHeadersAndNoSignature()
        {
            using var receiver = new RawReceiver("{}");
            _fixture.Server.State.AddHook(new HookRecord { Owner = "o", Name = "raw", Phase = "pre", Tools = new[] { "Bash" }, CallbackUrl = receiver.Url });

            _fixture.Session.Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();

            string head = Assert.Single(receiver.Heads);
            string[] lines = head.Split("\r\n");
            Assert.Equal("POST /hook HTTP/1.1", lines[0]);
            Assert.Contains("Content-Type: application/json", lines);
            Assert.Contains("Accept: application/json", lines);
            Assert.Contains("User-Agent: Go-http-client/1.1", lines);
            Assert.DoesNotContain(lines, l => l.StartsWith("Authorization", StringComparison.OrdinalIgnoreCase));
            string sent = _fixture.Server.State.HookDeliveries.Single().RequestJson;
            Assert.StartsWith("{\"phase\":\"pre\",\"owner\":\"o\",\"hook_name\":\"raw\",\"agent\":\"hooked\",", sent, StringComparison.Ordinal);
        }

        [Fact]
        public void PreHooksRunInRegistrationOrderAndTheFirstDenyWinsPostHooksRunInReverse()
        {
            _fixture.Session.Run(
                "Register-LoomcycleHook -Owner o -Name p1 -Phase pre -Tool Read -ScriptBlock { param($c) @{ Input = @{ path = $c.ToolCall.Input.path + '.1' } } } | Out-Null;" +
                "Register-LoomcycleHook -Owner o -Name p2 -Phase pre -Tool Read -ScriptBlock { param($c) @{ Deny = 'p2 saw ' + $c.ToolCall.Input.path } } | Out-Null;" +
                "Register-LoomcycleHook -Owner o -Name p3 -Phase pre -Tool Read -ScriptBlock { param($c) @{ Deny = 'p3 ran' } } | Out-Null;" +
                "Register-LoomcycleHook -Owner o -Name q1 -Phase post -Tool Read -ScriptBlock { param($c) @{ Result = $c.ToolResult.Text + ' > q1' } } | Out-Null;" +
                "Register-LoomcycleHook -Owner o -Name q2 -Phase post -Tool Read -ScriptBlock { param($c) @{ Result = @{ Text = $c.ToolResult.Text + ' > q2 (input ' + $c.ToolCall.Input.path + ')'; IsError = $c.ToolResult.IsError } } } | Out-Null").ThrowIfErrors();

            var result = _fixture.Session.Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();

            PSObject read = ToolResult(result, "Read");
            Assert.Equal("p2 saw /etc/hosts.1 > q2 (input /etc/hosts) > q1", read.Str("Text"));
            // q2 kept the deny's is_error; q1 answered a plain text, which is not an error.
            Assert.Null(read.Prop("IsError"));
            Assert.Equal(new[] { "p1", "p2", "q2", "q1" }, _fixture.Server.State.HookDeliveries.Select(d => d.Name));
        }

        [Theory]
        [InlineData("closed", "tool_call denied: hook o/mute unavailable", true)]
        [InlineData("open", "ran: date", null)]
        public void AHookThatDoesNotAnswerInTimeGetsTheServersFailMode(string failMode, string text, bool? isError)
        {
            using var receiver = new RawReceiver(null);
            _fixture.Server.State.AddHook(new HookRecord { Owner = "o", Name = "mute", Phase = "pre", Tools = new[] { "Bash" }, CallbackUrl = receiver.Url, FailMode = failMode, TimeoutMs = 300 });

            var result = _fixture.Session.Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();

            PSObject bash = ToolResult(result, "Bash");
            Assert.Equal(text, bash.Str("Text"));
            Assert.Equal(isError, bash.Prop("IsError"));
            Assert.Equal("context deadline exceeded", _fixture.Server.State.HookDeliveries.Single().Error);
        }

        [Fact]
        public void AnUnreachableOrNonJsonHookIsAnError()
        {
            using var receiver = new RawReceiver("not json");
            _fixture.Server.State.AddHook(new HookRecord { Owner = "o", Name = "bad", Phase = "post", Tools = new[] { "Bash" }, CallbackUrl = receiver.Url, FailMode = "closed" });
            _fixture.Server.State.AddHook(new HookRecord { Owner = "o", Name = "gone", Phase = "pre", Tools = new[] { "Read" }, CallbackUrl = "http://127.0.0.1:9/none", FailMode = "closed" });

            var result = _fixture.Session.Run("Invoke-LoomcycleRun -Agent hooked -Prompt go").ThrowIfErrors();

            Assert.Equal("tool_result discarded: hook o/bad unavailable", ToolResult(result, "Bash").Str("Text"));
            Assert.Equal("tool_call denied: hook o/gone unavailable", ToolResult(result, "Read").Str("Text"));
        }
    }
}
