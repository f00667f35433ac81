using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        private const int ChatPageSize = 500;
        private static readonly string[] ChatScopes = { "self", "user", "tenant", "global" };

        /// <summary>
        /// POST /v1/_history op=list (or op=search with <paramref name="search"/>, a title match): every chat of the scope,
        /// newest activity first, read in pages of 500. Every page is read before the first chat is yielded: the listing is
        /// ordered by activity and paged by offset, so a consumer that archives, unpins or writes to chats as they come
        /// (<c>Get-LoomcycleChat | Set-LoomcycleChat -Archived $true</c>) would otherwise shift later pages and skip chats.
        /// A chat that moves between pages while they are read comes once.
        /// </summary>
        public async IAsyncEnumerable<Chat> ListChatsAsync(string? scope = null, string? search = null, bool pinnedOnly = false, bool includeArchived = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            CheckChatScope(scope);
            if (search is not null && search.Trim().Length == 0)
            {
                throw new InvalidArgumentException("The search text must not be empty.");
            }

            var listed = new List<Chat>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int offset = 0;
            while (true)
            {
                int pageOffset = offset;
                byte[] body = RequestBodies.Object(w =>
                {
                    w.WriteString("op", search is null ? "list" : "search");
                    WriteOptional(w, "scope", scope);
                    WriteOptional(w, "query", search);
                    if (pinnedOnly)
                    {
                        w.WriteBoolean("pinned_only", true);
                    }

                    if (includeArchived)
                    {
                        w.WriteBoolean("include_archived", true);
                    }

                    w.WriteNumber("limit", ChatPageSize);
                    if (pageOffset > 0)
                    {
                        w.WriteNumber("offset", pageOffset);
                    }
                });
                ChatListEnvelope page = await HistoryAsync(body, DataJsonContext.Default.ChatListEnvelope, null, cancellationToken).ConfigureAwait(false);
                Chat[] chats = page.Chats ?? Array.Empty<Chat>();
                foreach (Chat chat in chats)
                {
                    chat.Scope = page.Scope ?? scope;
                    if (seen.Add(chat.SessionId))
                    {
                        listed.Add(chat);
                    }
                }

                offset += chats.Length;
                if (chats.Length == 0 || offset >= page.Total)
                {
                    break;
                }
            }

            foreach (Chat chat in listed)
            {
                yield return chat;
            }
        }

        /// <summary>POST /v1/_history op=get: one chat's metadata.</summary>
        public async Task<Chat> GetChatAsync(string sessionId, string? scope = null, CancellationToken cancellationToken = default)
        {
            ChatEnvelope envelope = await ChatOpAsync("get", sessionId, scope, null, cancellationToken).ConfigureAwait(false);
            return envelope.Chat!;
        }

        /// <summary>POST /v1/_history op=rename: sets a chat's title; returns the chat as it is now.</summary>
        public async Task<Chat> RenameChatAsync(string sessionId, string title, string? scope = null, CancellationToken cancellationToken = default)
        {
            if (title is null)
            {
                throw new InvalidArgumentException("The title must not be null.") { Target = sessionId };
            }

            return (await ChatOpAsync("rename", sessionId, scope, w => w.WriteString("title", title), cancellationToken).ConfigureAwait(false)).Chat!;
        }

        /// <summary>POST /v1/_history op=pin / op=archive: pins or unpins, archives or restores a chat.</summary>
        public async Task<Chat> SetChatFlagAsync(string sessionId, string flag, bool value, string? scope = null, CancellationToken cancellationToken = default)
        {
            string op = flag switch
            {
                "pinned" => "pin",
                "archived" => "archive",
                _ => throw new InvalidArgumentException($"Unknown chat flag '{flag}'."),
            };
            return (await ChatOpAsync(op, sessionId, scope, w => w.WriteBoolean(flag, value), cancellationToken).ConfigureAwait(false)).Chat!;
        }

        /// <summary>POST /v1/_history op=get with format=markdown (the whole event log) or conversation (the turns only).</summary>
        public async Task<ChatExport> ExportChatAsync(string sessionId, string format = "markdown", string? scope = null, CancellationToken cancellationToken = default)
        {
            if (format != "markdown" && format != "conversation")
            {
                throw new InvalidArgumentException($"Format '{format}' is not one of: markdown, conversation.") { Target = sessionId };
            }

            ChatEnvelope envelope = await ChatOpAsync("get", sessionId, scope, w => w.WriteString("format", format), cancellationToken).ConfigureAwait(false);
            if (envelope.Markdown is null)
            {
                throw new LoomcycleProtocolException($"The server sent no '{format}' rendering of chat '{sessionId}' (an older server?).") { Target = sessionId };
            }

            envelope.Chat!.Scope = envelope.Scope ?? scope;
            return new ChatExport(envelope.Chat, envelope.Format ?? format, envelope.Markdown);
        }

        /// <summary>
        /// <see cref="ExportChatAsync"/> into a file (UTF-8 without BOM). The text lands in a temporary file beside the
        /// target and is moved into place only when complete, so a failure never leaves a half-written export.
        /// </summary>
        /// <param name="sessionId">The chat (session) to export.</param>
        /// <param name="path">The file to write.</param>
        /// <param name="overwrite">Replaces an existing file; when false an existing file is refused before anything is sent.</param>
        /// <param name="format">markdown (the whole event log) or conversation (the turns only).</param>
        /// <param name="scope">self, user, tenant or global (admin).</param>
        /// <param name="cancellationToken">Cancels the request and the write.</param>
        /// <exception cref="InvalidArgumentException">The file exists and <paramref name="overwrite"/> is false (its target is the file),
        /// its folder does not exist (target: the folder), or the format or scope is not valid; nothing is sent.</exception>
        /// <exception cref="System.IO.IOException">The file could not be written.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<FileInfo> ExportChatToFileAsync(
            string sessionId, string path, bool overwrite, string format = "markdown", string? scope = null, CancellationToken cancellationToken = default)
        {
            FileInfo target = AtomicFile.Prepare(path, overwrite);
            ChatExport export = await ExportChatAsync(sessionId, format, scope, cancellationToken).ConfigureAwait(false);
            byte[] bytes = new UTF8Encoding(false).GetBytes(export.Text);
            return await AtomicFile.WriteAsync(target, file => file.WriteAsync(bytes, 0, bytes.Length, cancellationToken)).ConfigureAwait(false);
        }

        private async Task<ChatEnvelope> ChatOpAsync(string op, string sessionId, string? scope, Action<Utf8JsonWriter>? extra, CancellationToken cancellationToken)
        {
            CheckChatScope(scope);
            if (string.IsNullOrEmpty(sessionId))
            {
                throw new InvalidArgumentException("SessionId must not be empty.");
            }

            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("op", op);
                w.WriteString("session_id", sessionId);
                WriteOptional(w, "scope", scope);
                extra?.Invoke(w);
            });
            ChatEnvelope envelope = await HistoryAsync(body, DataJsonContext.Default.ChatEnvelope, sessionId, cancellationToken).ConfigureAwait(false);
            if (envelope.Chat is null)
            {
                throw new LoomcycleProtocolException($"The server's {op} answer for chat '{sessionId}' had no chat.") { Target = sessionId };
            }

            envelope.Chat.Scope = envelope.Scope ?? scope;
            return envelope;
        }

        /// <summary>Sends one History op. The tool's refusals arrive as 422 tool_refused; "not found" ones become NotFound.</summary>
        private async Task<T> HistoryAsync<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string? target, CancellationToken cancellationToken)
            where T : class
        {
            try
            {
                return (await SendJsonAsync(HttpMethod.Post, new RoutePath("v1/_history"), ApiArea.Chat, () => JsonContent(body), Repeatability.Idempotent, type, cancellationToken).ConfigureAwait(false))!;
            }
            catch (InvalidArgumentException ex) when (ex.Code == "tool_refused" && ex.Message.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                throw new NotFoundException(ex.Message, ex.StatusCode, ex.Code, ex.BodyText, ex) { Target = target };
            }
            catch (LoomcycleException ex) when (target is not null && ex.StatusCode != 0)
            {
                ex.Target = target;
                throw;
            }
        }

        private static void CheckChatScope(string? scope)
        {
            if (scope is not null && Array.IndexOf(ChatScopes, scope) < 0)
            {
                throw new InvalidArgumentException($"Scope '{scope}' is not one of: {string.Join(", ", ChatScopes)}.") { Target = scope };
            }
        }
    }
}
