using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle
{
    public sealed partial class LoomcycleConnection
    {
        /// <summary>
        /// The one path to every definition tool: POST /v1/_&lt;kind&gt;def with the tool input <c>{op, …}</c> as the body.
        /// Returns the tool's answer, exact JSON text. A refusal is a <see cref="ToolRefusedException"/> (422), a bad body an
        /// <see cref="InvalidArgumentException"/> (400), a connector failure a <see cref="LoomcycleException"/> (500 internal).
        /// </summary>
        public async Task<string> InvokeDefinitionToolAsync(DefinitionKind kind, string inputJson, CancellationToken cancellationToken = default)
        {
            string op = CheckToolInput(inputJson);
            byte[] body = Encoding.UTF8.GetBytes(inputJson);
            byte[] answer = await ToolAsync(kind, body, IsReadOnlyOp(op), cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(answer);
        }

        /// <summary>Op get: one version by def_id.</summary>
        public async Task<DefinitionVersion> GetDefinitionAsync(DefinitionKind kind, string defId, CancellationToken cancellationToken = default)
        {
            DefinitionKinds.Require(DefinitionKinds.IsVersioned(kind), kind, "versions", "; list them by name instead (GetDefinitionSummariesAsync).");
            RequireText(defId, "DefId");
            byte[] body = RequestBodies.Object(w => { w.WriteString("op", "get"); w.WriteString("def_id", defId); });
            DefinitionVersion version = await ToolAsync(kind, body, true, DefinitionsJsonContext.Default.DefinitionVersion, defId, cancellationToken).ConfigureAwait(false);
            version.Kind = kind;
            return version;
        }

        /// <summary>Op list: every version of a name, newest first.</summary>
        public async Task<DefinitionVersion[]> GetDefinitionVersionsAsync(DefinitionKind kind, string name, CancellationToken cancellationToken = default)
        {
            DefinitionKinds.Require(DefinitionKinds.IsVersioned(kind), kind, "versions", ".");
            RequireText(name, "Name");
            byte[] body = RequestBodies.Object(w => { w.WriteString("op", "list"); w.WriteString("name", name); });
            DefinitionVersionListEnvelope list = await ToolAsync(kind, body, true, DefinitionsJsonContext.Default.DefinitionVersionListEnvelope, name, cancellationToken).ConfigureAwait(false);
            DefinitionVersion[] versions = list.Versions ?? Array.Empty<DefinitionVersion>();
            foreach (DefinitionVersion v in versions)
            {
                v.Kind = kind;
            }

            return versions;
        }

        /// <summary>
        /// Op list, then GET /v1/_&lt;kind&gt;def/names: every version of a name, newest first, with
        /// <see cref="DefinitionVersion.IsActive"/> true on the name's active version and false on the others.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The kind keeps no versions (Volume, Credential) or the name is empty; nothing is sent.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<DefinitionVersion[]> GetDefinitionLineageAsync(DefinitionKind kind, string name, CancellationToken cancellationToken = default)
        {
            DefinitionVersion[] versions = await GetDefinitionVersionsAsync(kind, name, cancellationToken).ConfigureAwait(false);
            DefinitionSummary[] names = await GetDefinitionSummariesAsync(kind, false, null, cancellationToken).ConfigureAwait(false);
            string? active = Array.Find(names, r => string.Equals(r.Name, name, StringComparison.Ordinal))?.ActiveDefId;
            foreach (DefinitionVersion version in versions)
            {
                version.IsActive = version.DefId == active;
            }

            return versions;
        }

        /// <summary>
        /// GET /v1/_&lt;kind&gt;def/names, then op get: the name's active version, with <see cref="DefinitionVersion.IsActive"/> true.
        /// </summary>
        /// <param name="kind">A versioned kind.</param>
        /// <param name="name">The definition's name (exact, case-sensitive).</param>
        /// <param name="tenant">An admin's focus on one tenant's definitions (the listing's tenant query).</param>
        /// <param name="cancellationToken">Cancels the requests.</param>
        /// <exception cref="InvalidArgumentException">The kind keeps no versions (Volume, Credential) or the name is empty; nothing is sent.</exception>
        /// <exception cref="NotFoundException">No definition of that name has an active version; its target is the name.</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<DefinitionVersion> GetActiveDefinitionAsync(DefinitionKind kind, string name, string? tenant = null, CancellationToken cancellationToken = default)
        {
            DefinitionKinds.Require(DefinitionKinds.IsVersioned(kind), kind, "versions", ".");
            RequireText(name, "Name");
            DefinitionSummary[] rows = await GetDefinitionSummariesAsync(kind, false, tenant, cancellationToken).ConfigureAwait(false);
            if (Array.Find(rows, r => string.Equals(r.Name, name, StringComparison.Ordinal))?.ActiveDefId is not string active)
            {
                throw new NotFoundException($"No {kind} definition named '{name}' has an active version.") { Target = name };
            }

            DefinitionVersion version = await GetDefinitionAsync(kind, active, cancellationToken).ConfigureAwait(false);
            version.IsActive = true;
            return version;
        }

        /// <summary>
        /// What exists: GET /v1/_&lt;kind&gt;def/names for versioned kinds (or, with <paramref name="library"/>, the unified view
        /// GET /v1/_library/agents|skills|mcp-servers that also shows static definitions); op list for volumes and credentials.
        /// </summary>
        public async Task<DefinitionSummary[]> GetDefinitionSummariesAsync(DefinitionKind kind, bool library = false, string? tenant = null, CancellationToken cancellationToken = default)
        {
            DefinitionSummary[] rows;
            if (library)
            {
                DefinitionKinds.Require(DefinitionKinds.HasLibraryView(kind), kind, "library view", "; only Agent, Skill and McpServer have one.");
                string view = kind == DefinitionKind.Agent ? "agents" : kind == DefinitionKind.Skill ? "skills" : "mcp-servers";
                RoutePath route = new RoutePath("v1/_library").Literal(view).Query("tenant", tenant);
                DefinitionLibraryEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Definition, null, Repeatability.Idempotent, DefinitionsJsonContext.Default.DefinitionLibraryEnvelope, cancellationToken).ConfigureAwait(false))!;
                rows = envelope.Entries ?? Array.Empty<DefinitionSummary>();
            }
            else if (DefinitionKinds.IsVersioned(kind))
            {
                RoutePath route = new RoutePath("v1").Literal("_" + DefinitionKinds.Family(kind)).Literal("names").Query("tenant", tenant);
                DefinitionNamesEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Definition, null, Repeatability.Idempotent, DefinitionsJsonContext.Default.DefinitionNamesEnvelope, cancellationToken).ConfigureAwait(false))!;
                rows = envelope.Names ?? Array.Empty<DefinitionSummary>();
            }
            else
            {
                byte[] body = RequestBodies.Object(w => w.WriteString("op", "list"));
                byte[] answer = await ToolAsync(kind, body, true, cancellationToken).ConfigureAwait(false);
                rows = FirstArrayOfRows(answer);
            }

            foreach (DefinitionSummary row in rows)
            {
                row.Kind = kind;
            }

            return rows;
        }

        /// <summary>
        /// Op create. Versioned kinds send the definition as <c>overlay</c> (a new version; the server promotes it unless
        /// <paramref name="promote"/> is false); volumes and credentials send its fields beside <c>op</c> and <c>name</c>.
        /// </summary>
        public async Task<DefinitionVersion> NewDefinitionAsync(
            DefinitionKind kind, string name, string definitionJson, string? description = null, bool? promote = null, CancellationToken cancellationToken = default)
        {
            RequireText(name, "Name");
            using JsonDocument definition = ParseDefinition(definitionJson);
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("op", "create");
                w.WriteString("name", name);
                if (DefinitionKinds.IsVersioned(kind))
                {
                    w.WritePropertyName("overlay");
                    definition.RootElement.WriteTo(w);
                    WriteVersionOptions(w, description, promote);
                }
                else
                {
                    foreach (JsonProperty field in definition.RootElement.EnumerateObject())
                    {
                        if (field.Name != "op" && field.Name != "name")
                        {
                            field.WriteTo(w);
                        }
                    }
                }
            });
            DefinitionVersion created = await ToolAsync(kind, body, false, DefinitionsJsonContext.Default.DefinitionVersion, name, cancellationToken).ConfigureAwait(false);
            created.Kind = kind;
            if (string.IsNullOrEmpty(created.Name))
            {
                created.Name = name;
            }

            return created;
        }

        /// <summary>Op fork: a new version from <paramref name="parentDefId"/> (or the name's active version) with the overlay applied.</summary>
        public async Task<DefinitionVersion> CopyDefinitionAsync(
            DefinitionKind kind, string name, string? parentDefId = null, string? overlayJson = null, string? description = null, bool? promote = null,
            CancellationToken cancellationToken = default)
        {
            DefinitionKinds.Require(DefinitionKinds.IsVersioned(kind), kind, "fork", "; create another one instead (op create).");
            RequireText(name, "Name");
            using JsonDocument? overlay = overlayJson is null ? null : ParseDefinition(overlayJson);
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("op", "fork");
                w.WriteString("name", name);
                if (!string.IsNullOrEmpty(parentDefId))
                {
                    w.WriteString("parent_def_id", parentDefId);
                }

                if (overlay is not null)
                {
                    w.WritePropertyName("overlay");
                    overlay.RootElement.WriteTo(w);
                }

                WriteVersionOptions(w, description, promote);
            });
            DefinitionVersion created = await ToolAsync(kind, body, false, DefinitionsJsonContext.Default.DefinitionVersion, parentDefId ?? name, cancellationToken).ConfigureAwait(false);
            created.Kind = kind;
            return created;
        }

        /// <summary>Op promote: makes a version the name's active one (Agent, Skill, Team, McpServer).</summary>
        public async Task<DefinitionChange> PublishDefinitionAsync(DefinitionKind kind, string defId, CancellationToken cancellationToken = default)
        {
            DefinitionKinds.RequirePromote(kind);
            RequireText(defId, "DefId");
            byte[] body = RequestBodies.Object(w => { w.WriteString("op", "promote"); w.WriteString("def_id", defId); });
            DefinitionChange change = await ToolAsync(kind, body, true, DefinitionsJsonContext.Default.DefinitionChange, defId, cancellationToken).ConfigureAwait(false);
            change.Kind = kind;
            return change;
        }

        /// <summary>Op retire: retires a version (<paramref name="retired"/> false restores it). The row stays in the lineage.</summary>
        public async Task<DefinitionChange> RetireDefinitionAsync(DefinitionKind kind, string defId, bool retired = true, CancellationToken cancellationToken = default)
        {
            DefinitionKinds.RequireRetire(kind);
            RequireText(defId, "DefId");
            byte[] body = RequestBodies.Object(w => { w.WriteString("op", "retire"); w.WriteString("def_id", defId); w.WriteBoolean("retired", retired); });
            DefinitionChange change = await ToolAsync(kind, body, true, DefinitionsJsonContext.Default.DefinitionChange, defId, cancellationToken).ConfigureAwait(false);
            change.Kind = kind;
            return change;
        }

        /// <summary>Op delete (Team, Volume, Credential), or op purge for a volume (the mapping and its files).</summary>
        public async Task<DefinitionChange> DeleteDefinitionAsync(DefinitionKind kind, string name, bool purge = false, CancellationToken cancellationToken = default)
        {
            DefinitionKinds.RequireDelete(kind, purge);
            RequireText(name, "Name");
            byte[] body = RequestBodies.Object(w => { w.WriteString("op", purge ? "purge" : "delete"); w.WriteString("name", name); });
            // Not resent after a lost answer: a delete or purge that arrived would come back as "not found".
            DefinitionChange change = await ToolAsync(kind, body, false, DefinitionsJsonContext.Default.DefinitionChange, name, cancellationToken).ConfigureAwait(false);
            change.Kind = kind;
            change.Name ??= name;
            return change;
        }

        /// <summary>Op verify: whether <paramref name="contentSha256"/> is the hash of the name's active version.</summary>
        public async Task<DefinitionVerification> TestDefinitionAsync(DefinitionKind kind, string name, string? contentSha256, CancellationToken cancellationToken = default)
        {
            DefinitionKinds.RequireVerify(kind);
            RequireText(name, "Name");
            byte[] body = RequestBodies.Object(w =>
            {
                w.WriteString("op", "verify");
                w.WriteString("name", name);
                if (!string.IsNullOrEmpty(contentSha256))
                {
                    w.WriteString("content_sha256", contentSha256);
                }
            });
            DefinitionVerification result = await ToolAsync(kind, body, true, DefinitionsJsonContext.Default.DefinitionVerification, name, cancellationToken).ConfigureAwait(false);
            result.Kind = kind;
            result.ContentSha256 = contentSha256;
            return result;
        }

        /// <summary>
        /// Op verify for a version: whether <paramref name="contentSha256"/> (by default the version's own hash) is the hash of
        /// the active version of <paramref name="name"/> (by default the version's name). When either is not given, op get
        /// reads the version <paramref name="defId"/> first; when both are given, only op verify is sent.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The kind has no verify op (checked before anything is sent), <paramref name="defId"/> is
        /// empty, or the version has no name. Also the server's 400.</exception>
        /// <exception cref="NotFoundException">The server has no version <paramref name="defId"/> (its target is the id).</exception>
        /// <exception cref="LoomcycleException">Any other failure: see <see cref="LoomcycleConnection"/> for the exceptions every call may throw.</exception>
        public async Task<DefinitionVerification> TestDefinitionVersionAsync(DefinitionKind kind, string defId, string? name = null, string? contentSha256 = null, CancellationToken cancellationToken = default)
        {
            DefinitionKinds.RequireVerify(kind); // before the get
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(contentSha256))
            {
                DefinitionVersion version = await GetDefinitionAsync(kind, defId, cancellationToken).ConfigureAwait(false);
                name = version.Name;
                contentSha256 = version.ContentSha256;
            }

            return await TestDefinitionAsync(kind, name!, contentSha256, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>GET /v1/_schedules/list-all: static and dynamic schedules.</summary>
        public async Task<ScheduleEntry[]> GetSchedulesAsync(string? tenant = null, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_schedules/list-all").Query("tenant", tenant);
            ScheduleListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Schedule, null, Repeatability.Idempotent, DefinitionsJsonContext.Default.ScheduleListEnvelope, cancellationToken).ConfigureAwait(false))!;
            return envelope.Entries ?? Array.Empty<ScheduleEntry>();
        }

        /// <summary>GET /v1/_schedules/{def_id}/state.</summary>
        public async Task<ScheduleState> GetScheduleStateAsync(string defId, CancellationToken cancellationToken = default)
        {
            RoutePath route = new RoutePath("v1/_schedules").Segment(defId, "DefId").Literal("state");
            return (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Schedule, null, Repeatability.Idempotent, DefinitionsJsonContext.Default.ScheduleState, cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>POST /v1/_schedules/{def_id}/run-now: the next scheduler tick runs it.</summary>
        public Task<ScheduleControlResult> StartScheduleAsync(string defId, CancellationToken cancellationToken = default) =>
            ScheduleControlAsync(defId, "run-now", Repeatability.NotIdempotent, cancellationToken);

        /// <summary>POST /v1/_schedules/{def_id}/pause (idempotent).</summary>
        public Task<ScheduleControlResult> SuspendScheduleAsync(string defId, CancellationToken cancellationToken = default) =>
            ScheduleControlAsync(defId, "pause", Repeatability.Idempotent, cancellationToken);

        /// <summary>POST /v1/_schedules/{def_id}/resume (idempotent).</summary>
        public Task<ScheduleControlResult> ResumeScheduleAsync(string defId, CancellationToken cancellationToken = default) =>
            ScheduleControlAsync(defId, "resume", Repeatability.Idempotent, cancellationToken);

        /// <summary>GET /v1/_volumes (static and dynamic) or, with <paramref name="ephemeral"/>, /v1/_volumes/ephemeral.</summary>
        public async Task<Volume[]> GetVolumesAsync(bool ephemeral = false, CancellationToken cancellationToken = default)
        {
            RoutePath route = ephemeral ? new RoutePath("v1/_volumes/ephemeral") : new RoutePath("v1/_volumes");
            VolumeListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Definition, null, Repeatability.Idempotent, DefinitionsJsonContext.Default.VolumeListEnvelope, cancellationToken).ConfigureAwait(false))!;
            Volume[] volumes = envelope.Entries ?? Array.Empty<Volume>();
            if (ephemeral)
            {
                foreach (Volume v in volumes)
                {
                    v.Source ??= "ephemeral";
                }
            }

            return volumes;
        }

        /// <summary>GET /v1/_presets, or GET /v1/_presets/{name} (with its YAML).</summary>
        public async Task<Preset[]> GetPresetsAsync(string? name = null, CancellationToken cancellationToken = default)
        {
            if (name is null)
            {
                PresetListEnvelope envelope = (await SendJsonAsync(HttpMethod.Get, new RoutePath("v1/_presets"), ApiArea.Definition, null, Repeatability.Idempotent, DefinitionsJsonContext.Default.PresetListEnvelope, cancellationToken).ConfigureAwait(false))!;
                return envelope.Units ?? Array.Empty<Preset>();
            }

            RoutePath route = new RoutePath("v1/_presets").Segment(name, "Name");
            Preset preset = (await SendJsonAsync(HttpMethod.Get, route, ApiArea.Definition, null, Repeatability.Idempotent, DefinitionsJsonContext.Default.Preset, cancellationToken).ConfigureAwait(false))!;
            return new[] { preset };
        }

        private async Task<ScheduleControlResult> ScheduleControlAsync(string defId, string action, Repeatability repeatability, CancellationToken cancellationToken)
        {
            RoutePath route = new RoutePath("v1/_schedules").Segment(defId, "DefId").Literal(action);
            return (await SendJsonAsync(HttpMethod.Post, route, ApiArea.Schedule, null, repeatability, DefinitionsJsonContext.Default.ScheduleControlResult, cancellationToken).ConfigureAwait(false))!;
        }

        private async Task<T> ToolAsync<T>(DefinitionKind kind, byte[] body, bool readOnlyOrIdempotent, JsonTypeInfo<T> type, string target, CancellationToken cancellationToken)
            where T : class
        {
            byte[] answer = await ToolAsync(kind, body, readOnlyOrIdempotent, cancellationToken).ConfigureAwait(false);
            try
            {
                return JsonSerializer.Deserialize(answer, type)
                    ?? throw new LoomcycleProtocolException($"The {DefinitionKinds.ToolName(kind)} tool answered with an empty JSON body.", 200) { Target = target };
            }
            catch (JsonException ex)
            {
                throw new LoomcycleProtocolException(
                    $"The {DefinitionKinds.ToolName(kind)} tool's answer is not the JSON this module expects ({ex.Message}).", 200, null, Redact(Excerpt(answer)), ex)
                { Target = target };
            }
        }

        private async Task<byte[]> ToolAsync(DefinitionKind kind, byte[] body, bool readOnlyOrIdempotent, CancellationToken cancellationToken)
        {
            RoutePath route = new RoutePath("v1").Literal("_" + DefinitionKinds.Family(kind));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.RequestTimeout);
            try
            {
                using HttpResponseMessage response = await SendAsync(
                    HttpMethod.Post, route, ApiArea.Definition, () => JsonContent(body),
                    readOnlyOrIdempotent ? Repeatability.Idempotent : Repeatability.NotIdempotent,
                    HttpCompletionOption.ResponseHeadersRead, "application/json", deadline.Token).ConfigureAwait(false);
                return await ReadCappedAsync(response, _options.MaximumResponseBytes, route, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LoomcycleTimeoutException(
                    $"POST {Describe(route)} got no complete answer within {_options.RequestTimeout.TotalSeconds:0.#} s.", 0, null, null, ex) { Target = route.Target };
            }
        }

        private static void WriteVersionOptions(Utf8JsonWriter w, string? description, bool? promote)
        {
            if (!string.IsNullOrEmpty(description))
            {
                w.WriteString("description", description);
            }

            if (promote is bool p)
            {
                w.WriteBoolean("promote", p);
            }
        }

        private static void RequireText(string? value, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidArgumentException($"{parameterName} must not be empty.");
            }
        }

        private static JsonDocument ParseDefinition(string? json)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                throw new InvalidArgumentException("The definition is empty: give a JSON object.");
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json!);
            }
            catch (JsonException ex)
            {
                throw new InvalidArgumentException($"The definition is not valid JSON: {ex.Message}", 0, null, null, ex);
            }

            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                JsonValueKind kind = doc.RootElement.ValueKind;
                doc.Dispose();
                throw new InvalidArgumentException($"The definition must be a JSON object, not {kind}.");
            }

            return doc;
        }

        private static string CheckToolInput(string? inputJson)
        {
            using JsonDocument doc = ParseDefinition(inputJson);
            if (!doc.RootElement.TryGetProperty("op", out JsonElement op) || op.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(op.GetString()))
            {
                throw new InvalidArgumentException("The tool input needs an \"op\" (create, fork, get, list, retire, promote, verify, delete …).");
            }

            return op.GetString()!;
        }

        private static bool IsReadOnlyOp(string op) =>
            op == "get" || op == "list" || op == "verify" || op == "promote" || op == "retire" || op == "delete";

        private static DefinitionSummary[] FirstArrayOfRows(byte[] answer)
        {
            var rows = new List<DefinitionSummary>();
            using JsonDocument doc = JsonDocument.Parse(answer);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return rows.ToArray();
            }

            foreach (JsonProperty property in doc.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (JsonElement item in property.Value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    var row = new DefinitionSummary { AdditionalProperties = new Dictionary<string, JsonElement>() };
                    foreach (JsonProperty field in item.EnumerateObject())
                    {
                        if (field.Name == "name" && field.Value.ValueKind == JsonValueKind.String)
                        {
                            row.Name = field.Value.GetString() ?? string.Empty;
                        }
                        else
                        {
                            row.AdditionalProperties[field.Name] = field.Value.Clone();
                        }
                    }

                    rows.Add(row);
                }

                break;
            }

            return rows.ToArray();
        }
    }
}
