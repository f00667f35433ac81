using System;

namespace Loomcycle
{
    /// <summary>What each definition kind supports: its route and the ops its tool dispatches (spec §2.12).</summary>
    public static class DefinitionKinds
    {
        /// <summary>Every kind, in the order the module lists them.</summary>
        public static DefinitionKind[] All { get; } = (DefinitionKind[])Enum.GetValues(typeof(DefinitionKind));

        /// <summary>The route family: <c>agentdef</c> for <c>POST /v1/_agentdef</c>.</summary>
        public static string Family(DefinitionKind kind) => kind switch
        {
            DefinitionKind.Agent => "agentdef",
            DefinitionKind.Skill => "skilldef",
            DefinitionKind.Team => "teamdef",
            DefinitionKind.McpServer => "mcpserverdef",
            DefinitionKind.Schedule => "scheduledef",
            DefinitionKind.Webhook => "webhookdef",
            DefinitionKind.A2AAgent => "a2aagentdef",
            DefinitionKind.A2AServerCard => "a2aservercarddef",
            DefinitionKind.MemoryBackend => "memorybackenddef",
            DefinitionKind.DocumentSource => "documentsourcedef",
            DefinitionKind.Volume => "volumedef",
            DefinitionKind.Credential => "credentialdef",
            _ => throw new InvalidArgumentException($"Unknown definition kind {kind}."),
        };

        /// <summary>The tool's name, as it appears in refusals (AgentDef, McpServerDef …).</summary>
        public static string ToolName(DefinitionKind kind) => kind + "Def";

        /// <summary>Versioned kinds keep versions, an active pointer and retire; volumes and credentials are plain rows.</summary>
        public static bool IsVersioned(DefinitionKind kind) => kind != DefinitionKind.Volume && kind != DefinitionKind.Credential;

        /// <summary>Kinds whose tool has the promote and verify ops.</summary>
        public static bool CanPromote(DefinitionKind kind) =>
            kind == DefinitionKind.Agent || kind == DefinitionKind.Skill || kind == DefinitionKind.Team || kind == DefinitionKind.McpServer;

        /// <summary>Kinds whose tool has the verify op (the same four as promote).</summary>
        public static bool CanVerify(DefinitionKind kind) => CanPromote(kind);

        /// <summary>Kinds whose tool has the delete op.</summary>
        public static bool CanDelete(DefinitionKind kind) =>
            kind == DefinitionKind.Team || kind == DefinitionKind.Volume || kind == DefinitionKind.Credential;

        /// <summary>Kinds with a unified library view (<c>GET /v1/_library/*</c>), which also shows static definitions.</summary>
        public static bool HasLibraryView(DefinitionKind kind) =>
            kind == DefinitionKind.Agent || kind == DefinitionKind.Skill || kind == DefinitionKind.McpServer;

        /// <summary>Reads a kind from its name (<c>Agent</c>, <c>mcpserver</c>) or its route family (<c>agentdef</c>), ignoring case.</summary>
        public static bool TryParse(string? text, out DefinitionKind kind)
        {
            kind = default;
            if (string.IsNullOrWhiteSpace(text))
            {
                return false;
            }

            string t = text!.Trim().Replace("-", string.Empty).Replace("_", string.Empty);
            foreach (DefinitionKind k in All)
            {
                if (string.Equals(t, k.ToString(), StringComparison.OrdinalIgnoreCase) || string.Equals(t, Family(k), StringComparison.OrdinalIgnoreCase))
                {
                    kind = k;
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Refuses a kind whose tool has no promote op, the check <see cref="LoomcycleConnection.PublishDefinitionAsync"/> makes
        /// before sending. Call it first to refuse before asking a user to confirm.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The kind has no promote op (only Agent, Skill, Team and McpServer have one); its target is the kind.</exception>
        public static void RequirePromote(DefinitionKind kind) =>
            Require(CanPromote(kind), kind, "promote",
                "; only Agent, Skill, Team and McpServer have one (the other kinds promote on create and fork).");

        /// <summary>
        /// Refuses a kind whose tool has no delete op, or a purge of anything but a volume: the check
        /// <see cref="LoomcycleConnection.DeleteDefinitionAsync"/> makes before sending. Call it first to refuse before asking.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The kind has no delete op (only Team, Volume and Credential have one), or <paramref name="purge"/> is true for a kind other than Volume; its target is the kind.</exception>
        public static void RequireDelete(DefinitionKind kind, bool purge)
        {
            Require(CanDelete(kind), kind, "delete", "; only Team, Volume and Credential have one (retire the other kinds' versions instead).");
            Require(!purge || kind == DefinitionKind.Volume, kind, "purge", "; only volumes are purged.");
        }

        /// <summary>
        /// Refuses a kind that keeps no versions to retire (Volume, Credential): the check
        /// <see cref="LoomcycleConnection.RetireDefinitionAsync"/> makes before sending. Call it first to refuse before asking.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The kind is not versioned; its target is the kind.</exception>
        public static void RequireRetire(DefinitionKind kind) =>
            Require(IsVersioned(kind), kind, "retire", "; they keep no versions (delete one by name instead).");

        /// <summary>
        /// Refuses a kind whose tool has no verify op: the check <see cref="LoomcycleConnection.TestDefinitionAsync"/> makes
        /// before sending. Call it first when other requests come before the verify.
        /// </summary>
        /// <exception cref="InvalidArgumentException">The kind has no verify op (only Agent, Skill, Team and McpServer have one); its target is the kind.</exception>
        public static void RequireVerify(DefinitionKind kind) =>
            Require(CanVerify(kind), kind, "verify", "; only Agent, Skill, Team and McpServer have one.");

        internal static void Require(bool supported, DefinitionKind kind, string operation, string instead)
        {
            if (!supported)
            {
                throw new InvalidArgumentException($"{kind} definitions have no {operation} operation on the server{instead}") { Target = kind.ToString() };
            }
        }
    }
}
