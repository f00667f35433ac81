using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.Hooks
{
    /// <summary>
    /// A small HTTP/1.1 receiver for hook calls (spec §13.4), on a TcpListener so it behaves the same on .NET
    /// Framework and .NET 8 and needs no URL reservation. Each hook is served under its own unguessable path;
    /// anything else (another path, another method, a body over 1 MiB, chunked bodies) is refused before a
    /// handler runs. Calls are answered concurrently; a handler that throws or does not answer in time gets the
    /// hook's fail mode, and the failure is kept in <see cref="Errors"/>. The server sends no signature, so the
    /// path is the only secret: bind loopback unless the server runs elsewhere.
    /// </summary>
    public sealed class HookListener : IDisposable
    {
        /// <summary>The largest call body accepted (the server's own cap on hook bodies).</summary>
        public const int MaxBodyBytes = 1 << 20;

        /// <summary>The most of an answer the server reads (spec §13.4); a longer one is answered by the fail mode.</summary>
        public const int MaxAnswerBytes = 1 << 20;

        /// <summary>How many failures <see cref="Errors"/> keeps (the newest).</summary>
        public const int MaxErrors = 100;

        private const int MaxHeadBytes = 16 * 1024;
        private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
        private static readonly byte[] HeadEnd = { (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n' };

        private readonly TcpListener _tcp;
        private readonly ConcurrentDictionary<string, HookRoute> _routes = new ConcurrentDictionary<string, HookRoute>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<TcpClient, byte> _clients = new ConcurrentDictionary<TcpClient, byte>();
        private readonly ConcurrentQueue<HookListenerError> _errors = new ConcurrentQueue<HookListenerError>();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly string _callbackHost;
        private long _calls;
        private long _refused;
        private int _stopped;

        /// <summary>Starts listening on <paramref name="address"/>:<paramref name="port"/>.</summary>
        /// <param name="address">The address to bind (loopback keeps the listener to this machine).</param>
        /// <param name="port">The TCP port; 0 picks a free one.</param>
        /// <param name="callbackHost">The host name put in callback URLs; by default the address itself (the machine's
        /// name for a wildcard address).</param>
        public HookListener(IPAddress address, int port, string? callbackHost = null)
        {
            Address = address ?? throw new ArgumentNullException(nameof(address));
            _tcp = new TcpListener(address, port);
            _tcp.Start(128);
            Port = ((IPEndPoint)_tcp.LocalEndpoint).Port;
            _callbackHost = callbackHost ?? HostFor(address);
            BaseUri = new Uri("http://" + _callbackHost + ":" + Port.ToString(CultureInfo.InvariantCulture) + "/");
            StartedAt = DateTimeOffset.Now;
            _ = Task.Run(AcceptLoopAsync);
        }

        public IPAddress Address { get; }
        public int Port { get; }

        /// <summary>e.g. http://127.0.0.1:49152/</summary>
        public Uri BaseUri { get; }
        public DateTimeOffset StartedAt { get; }
        public bool IsRunning => Volatile.Read(ref _stopped) == 0;

        /// <summary>True when only this machine can reach the listener.</summary>
        public bool IsLoopback => IPAddress.IsLoopback(Address);

        /// <summary>Hook calls received on a hook's path.</summary>
        public long Calls => Interlocked.Read(ref _calls);

        /// <summary>Requests refused: unknown paths, other methods, oversized or malformed bodies.</summary>
        public long Refused => Interlocked.Read(ref _refused);

        public HookRoute[] Routes => new System.Collections.Generic.List<HookRoute>(_routes.Values).ToArray();

        /// <summary>Calls answered by the fail mode, oldest first (at most <see cref="MaxErrors"/>).</summary>
        public HookListenerError[] Errors => _errors.ToArray();

        /// <summary>Serves a new hook under a fresh random path. <paramref name="timeout"/> is the hook's timeout as the server applies it.</summary>
        public HookRoute AddRoute(string owner, string name, string phase, string? failMode, TimeSpan timeout, HookHandler handler)
        {
            if (handler is null)
            {
                throw new ArgumentNullException(nameof(handler));
            }

            if (!IsRunning)
            {
                throw new InvalidOperationException("The hook listener has been stopped.");
            }

            // The route's fail mode decides what a failing handler answers: "Closed" must deny as "closed" does, never pass.
            string routePhase = OneOf(phase, nameof(phase), "pre", "post");
            string routeFailMode = string.IsNullOrEmpty(failMode) ? "open" : OneOf(failMode!, nameof(failMode), "open", "closed");
            string path = "/hooks/" + RandomToken();
            var route = new HookRoute(path, new Uri(BaseUri, path.Substring(1)), owner, name, routePhase, routeFailMode, timeout, handler);
            _routes[path] = route;
            return route;
        }

        /// <summary><paramref name="value"/> as <paramref name="first"/> or <paramref name="second"/>, in any case.</summary>
        private static string OneOf(string value, string parameter, string first, string second)
        {
            if (string.Equals(value, first, StringComparison.OrdinalIgnoreCase))
            {
                return first;
            }

            if (string.Equals(value, second, StringComparison.OrdinalIgnoreCase))
            {
                return second;
            }

            throw new ArgumentException($"Must be '{first}' or '{second}', not '{value}'.", parameter);
        }

        /// <summary>Stops serving <paramref name="route"/>; its path then gets 404.</summary>
        public bool RemoveRoute(HookRoute route) => route is not null && _routes.TryRemove(route.Path, out _);

        /// <summary>Stops listening and closes open connections. Idempotent.</summary>
        public void Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }

            _stop.Cancel();
            _tcp.Stop();
            foreach (TcpClient client in _clients.Keys)
            {
                client.Close();
            }

            _routes.Clear();
        }

        public void Dispose() => Stop();

        private static string HostFor(IPAddress address)
        {
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            {
                return Dns.GetHostName();
            }

            return address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
        }

        private static string RandomToken()
        {
            byte[] bytes = new byte[16];
            using (RandomNumberGenerator rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(bytes);
            }

            var text = new StringBuilder(32);
            foreach (byte b in bytes)
            {
                text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _tcp.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            _clients[client] = 0;
            try
            {
                client.NoDelay = true;
                NetworkStream stream = client.GetStream();
                var reader = new RequestReader(stream, client, _stop.Token);
                while (!_stop.IsCancellationRequested)
                {
                    Request? request = await reader.ReadHeadAsync().ConfigureAwait(false);
                    if (request is null)
                    {
                        return;
                    }

                    if (request.Malformed is not null)
                    {
                        await RefuseAsync(stream, 400, request.Malformed).ConfigureAwait(false);
                        return;
                    }

                    if (!_routes.TryGetValue(request.Path, out HookRoute? route))
                    {
                        await RefuseAsync(stream, 404, "404 page not found").ConfigureAwait(false);
                        return;
                    }

                    if (!string.Equals(request.Method, "POST", StringComparison.Ordinal))
                    {
                        await RefuseAsync(stream, 405, "method not allowed", "Allow: POST\r\n").ConfigureAwait(false);
                        return;
                    }

                    if (request.Chunked || request.ContentLength < 0)
                    {
                        await RefuseAsync(stream, 411, "a Content-Length is required").ConfigureAwait(false);
                        return;
                    }

                    if (request.ContentLength > MaxBodyBytes)
                    {
                        // The server applies the fail mode to a refused call itself; the handler never saw it, so say so.
                        Record(route, "TooLarge", "The call was " + request.ContentLength.ToString(CultureInfo.InvariantCulture) +
                            " bytes, over the listener's " + MaxBodyBytes.ToString(CultureInfo.InvariantCulture) + "; it was refused (413) and the server applied the fail mode.", null, string.Empty);
                        await RefuseAsync(stream, 413, "request body too large").ConfigureAwait(false);
                        return;
                    }

                    if (request.ExpectContinue)
                    {
                        await WriteAsync(stream, Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n")).ConfigureAwait(false);
                    }

                    byte[]? body = await reader.ReadBodyAsync((int)request.ContentLength).ConfigureAwait(false);
                    if (body is null)
                    {
                        return;
                    }

                    (int status, byte[]? json) = await DispatchAsync(route, body).ConfigureAwait(false);
                    if (status == 400)
                    {
                        await RefuseAsync(stream, 400, json is null ? "bad request" : Encoding.UTF8.GetString(json)).ConfigureAwait(false);
                        return;
                    }

                    await RespondAsync(stream, status, json, request.KeepAlive).ConfigureAwait(false);
                    if (!request.KeepAlive)
                    {
                        return;
                    }
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _clients.TryRemove(client, out _);
                await CloseGracefullyAsync(client).ConfigureAwait(false);
            }
        }

        /// <summary>Ends the connection without a reset: a client still sending a refused body then reads the answer
        /// instead of a connection error. Unread bytes are drained for a moment (at most 2 MiB, 1 s).</summary>
        private static async Task CloseGracefullyAsync(TcpClient client)
        {
            try
            {
                if (client.Connected)
                {
                    client.Client.Shutdown(SocketShutdown.Send);
                    using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    using (drain.Token.Register(() => client.Close()))
                    {
                        NetworkStream stream = client.GetStream();
                        byte[] sink = new byte[16384];
                        long total = 0;
                        int read;
                        while (total < 2 * MaxBodyBytes && (read = await stream.ReadAsync(sink, 0, sink.Length, drain.Token).ConfigureAwait(false)) > 0)
                        {
                            total += read;
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException || ex is OperationCanceledException || ex is InvalidOperationException)
            {
            }
            finally
            {
                client.Close();
            }
        }

        private async Task<(int Status, byte[]? Body)> DispatchAsync(HookRoute route, byte[] body)
        {
            HookCall call;
            try
            {
                call = HookCall.Parse(body);
            }
            catch (FormatException ex)
            {
                return (400, Encoding.UTF8.GetBytes(ex.Message));
            }

            Interlocked.Increment(ref _calls);
            route.CountCall();
            HookAnswer? answer;
            var due = new CancellationTokenSource();
            Task<HookAnswer?> work = Task.Run(() => route.Handler(call, due.Token) ?? Task.FromResult<HookAnswer?>(null));
            Task timer = Task.Delay(route.AnswerWithin, _stop.Token);
            Task first = await Task.WhenAny(work, timer).ConfigureAwait(false);
            if (first != work)
            {
                due.Cancel();
                // The handler is told to stop; its late outcome is observed and dropped.
                _ = work.ContinueWith(t => { _ = t.Exception; due.Dispose(); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                if (_stop.IsCancellationRequested)
                {
                    return (503, null);
                }

                string seconds = route.AnswerWithin.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                answer = Fail(route, "TimedOut", "no answer within " + seconds + " s", "The handler did not answer within " + seconds + " s (the hook's timeout is " +
                    route.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s).", null, call.ToolName);
            }
            else
            {
                due.Dispose();
                if (work.Status == TaskStatus.RanToCompletion)
                {
                    answer = work.Result;
                }
                else
                {
                    Exception error = work.Exception?.GetBaseException() ?? new OperationCanceledException("The handler was cancelled.");
                    answer = error is HookAnswerException
                        ? Fail(route, "BadAnswer", "its answer was not valid", error.Message, error, call.ToolName)
                        : Fail(route, "Threw", "it threw an error", error.Message, error, call.ToolName);
                }
            }

            if (answer is null || answer.IsPassThrough)
            {
                return (204, null);
            }

            try
            {
                byte[] json = answer.ToJson(route.Phase);
                if (json.Length <= MaxAnswerBytes)
                {
                    return (200, json);
                }

                // The server reads only the first 1 MiB: the rest would be cut off, and a cut answer counts as an error there,
                // which under open passes the tool's original result — unredacted. Answer by the fail mode here, and say so.
                answer = Fail(route, "BadAnswer", "its answer was too large", "The answer is " + json.Length.ToString(CultureInfo.InvariantCulture) +
                    " bytes of JSON; the server reads at most " + MaxAnswerBytes.ToString(CultureInfo.InvariantCulture) + ".", null, call.ToolName);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException || ex is ArgumentException)
            {
                answer = Fail(route, "BadAnswer", "its answer was not valid", ex.Message, ex, call.ToolName);
            }

            return answer is null ? (204, null) : (200, answer.ToJson(route.Phase));
        }

        /// <summary>Records the failure and gives the fail mode's answer: nothing (open) or a refusal naming the hook (closed).</summary>
        private HookAnswer? Fail(HookRoute route, string reason, string shortText, string message, Exception? exception, string toolName)
        {
            route.CountFailure();
            Record(route, reason, message, exception, toolName);

            if (!string.Equals(route.FailMode, "closed", StringComparison.Ordinal))
            {
                return null;
            }

            string text = string.Equals(route.Phase, "post", StringComparison.Ordinal)
                ? "tool_result discarded: hook " + route.Owner + "/" + route.Name + " failed (" + shortText + ")"
                : "tool_call denied: hook " + route.Owner + "/" + route.Name + " failed (" + shortText + ")";
            return HookAnswer.Refuse(route.Phase, text);
        }

        /// <summary>Keeps the failure in <see cref="Errors"/> (the newest <see cref="MaxErrors"/>).</summary>
        private void Record(HookRoute route, string reason, string message, Exception? exception, string toolName)
        {
            _errors.Enqueue(new HookListenerError(route, reason, message, exception, toolName));
            while (_errors.Count > MaxErrors && _errors.TryDequeue(out _))
            {
            }
        }

        private async Task RefuseAsync(NetworkStream stream, int status, string text, string extraHeaders = "")
        {
            Interlocked.Increment(ref _refused);
            byte[] body = Encoding.UTF8.GetBytes(text + "\n");
            string head = "HTTP/1.1 " + status.ToString(CultureInfo.InvariantCulture) + " " + Reason(status) + "\r\n" +
                "Content-Type: text/plain; charset=utf-8\r\n" + extraHeaders +
                "Content-Length: " + body.Length.ToString(CultureInfo.InvariantCulture) + "\r\nConnection: close\r\n\r\n";
            await WriteAsync(stream, Concat(Encoding.ASCII.GetBytes(head), body)).ConfigureAwait(false);
        }

        private static async Task RespondAsync(NetworkStream stream, int status, byte[]? json, bool keepAlive)
        {
            var head = new StringBuilder();
            head.Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(status)).Append("\r\n");
            if (json is not null)
            {
                head.Append("Content-Type: application/json\r\n");
                head.Append("Content-Length: ").Append(json.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            }
            else if (status != 204)
            {
                head.Append("Content-Length: 0\r\n");
            }

            head.Append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n").Append("\r\n");
            byte[] bytes = Encoding.ASCII.GetBytes(head.ToString());
            await WriteAsync(stream, json is null ? bytes : Concat(bytes, json)).ConfigureAwait(false);
        }

        private static Task WriteAsync(NetworkStream stream, byte[] bytes) => stream.WriteAsync(bytes, 0, bytes.Length);

        private static byte[] Concat(byte[] a, byte[] b)
        {
            byte[] all = new byte[a.Length + b.Length];
            Buffer.BlockCopy(a, 0, all, 0, a.Length);
            Buffer.BlockCopy(b, 0, all, a.Length, b.Length);
            return all;
        }

        private static string Reason(int status) => status switch
        {
            200 => "OK",
            204 => "No Content",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            411 => "Length Required",
            413 => "Request Entity Too Large",
            431 => "Request Header Fields Too Large",
            503 => "Service Unavailable",
            _ => "Status",
        };

        private sealed class Request
        {
            public string Method = string.Empty;
            public string Path = string.Empty;
            public long ContentLength = -1;
            public bool Chunked;
            public bool KeepAlive = true;
            public bool ExpectContinue;
            public string? Malformed;
        }

        /// <summary>Reads request heads and bodies from one connection, with an idle timeout per read.</summary>
        private sealed class RequestReader
        {
            private readonly NetworkStream _stream;
            private readonly TcpClient _client;
            private readonly CancellationToken _stop;
            private byte[] _buffer = new byte[8192];
            private int _start;
            private int _end;

            public RequestReader(NetworkStream stream, TcpClient client, CancellationToken stop)
            {
                _stream = stream;
                _client = client;
                _stop = stop;
            }

            public async Task<Request?> ReadHeadAsync()
            {
                while (true)
                {
                    int end = IndexOf(HeadEnd);
                    if (end >= 0)
                    {
                        string head = Encoding.ASCII.GetString(_buffer, _start, end - _start);
                        _start = end + HeadEnd.Length;
                        return Parse(head);
                    }

                    if (_end - _start >= MaxHeadBytes)
                    {
                        return new Request { Malformed = "request head too large" };
                    }

                    if (await FillAsync().ConfigureAwait(false) == 0)
                    {
                        return null;
                    }
                }
            }

            public async Task<byte[]?> ReadBodyAsync(int length)
            {
                byte[] body = new byte[length];
                int have = Math.Min(length, _end - _start);
                Buffer.BlockCopy(_buffer, _start, body, 0, have);
                _start += have;
                while (have < length)
                {
                    int read = await ReadAsync(body, have, length - have).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return null;
                    }

                    have += read;
                }

                return body;
            }

            private async Task<int> FillAsync()
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxHeadBytes + 8192));
                }

                int read = await ReadAsync(_buffer, _end, _buffer.Length - _end).ConfigureAwait(false);
                _end += read;
                return read;
            }

            private async Task<int> ReadAsync(byte[] buffer, int offset, int count)
            {
                // NetworkStream reads on .NET Framework ignore the token: closing the socket ends a stalled read.
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop);
                idle.CancelAfter(IdleTimeout);
                using (idle.Token.Register(() => _client.Close()))
                {
                    return await _stream.ReadAsync(buffer, offset, count, idle.Token).ConfigureAwait(false);
                }
            }

            private int IndexOf(byte[] pattern)
            {
                for (int i = _start; i <= _end - pattern.Length; i++)
                {
                    if (_buffer[i] == pattern[0] && _buffer[i + 1] == pattern[1] && _buffer[i + 2] == pattern[2] && _buffer[i + 3] == pattern[3])
                    {
                        return i;
                    }
                }

                return -1;
            }

            private static Request Parse(string head)
            {
                var request = new Request();
                string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
                string[] first = lines[0].Split(' ');
                if (first.Length != 3 || !first[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
                {
                    request.Malformed = "malformed request line";
                    return request;
                }

                request.Method = first[0];
                string target = first[1];
                int query = target.IndexOf('?');
                request.Path = query >= 0 ? target.Substring(0, query) : target;
                request.KeepAlive = first[2] != "HTTP/1.0";
                for (int i = 1; i < lines.Length; i++)
                {
                    int colon = lines[i].IndexOf(':');
                    if (colon <= 0)
                    {
                        request.Malformed = "malformed header";
                        return request;
                    }

                    string name = lines[i].Substring(0, colon).Trim();
                    string value = lines[i].Substring(colon + 1).Trim();
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long length) ||
                            (request.ContentLength >= 0 && request.ContentLength != length))
                        {
                            request.Malformed = "bad Content-Length";
                            return request;
                        }

                        request.ContentLength = length;
                    }
                    else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    {
                        request.Chunked = true;
                    }
                    else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                    {
                        if (value.IndexOf("close", StringComparison.OrdinalIgnoreCase) >= 0)
                        {
                            request.KeepAlive = false;
                        }
                        else if (value.IndexOf("keep-alive", StringComparison.OrdinalIgnoreCase) >= 0)
                        {
                            request.KeepAlive = true;
                        }
                    }
                    else if (name.Equals("Expect", StringComparison.OrdinalIgnoreCase) && value.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
                    {
                        request.ExpectContinue = true;
                    }
                }

                if (request.ContentLength < 0 && !request.Chunked && !string.Equals(request.Method, "POST", StringComparison.Ordinal))
                {
                    request.ContentLength = 0;
                }

                return request;
            }
        }
    }

    /// <summary>Thrown by a handler whose answer cannot be sent (unknown keys, a field of the other phase, bad JSON).</summary>
    public sealed class HookAnswerException : Exception
    {
        public HookAnswerException(string message)
            : base(message)
        {
        }
    }
}
