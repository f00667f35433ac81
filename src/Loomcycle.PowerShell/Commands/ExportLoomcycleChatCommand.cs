using System;
using System.IO;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Exports chats as Markdown.</summary>
    /// <remarks>
    /// Calls POST /v1/_history with op get and format markdown (the metadata and every event) or, with -Format
    /// Conversation, only the user and assistant turns. With -Path the text goes to a file (UTF-8, no BOM): -Path is a
    /// file, or an existing folder to write &lt;session id&gt;.md into. The file is written beside the target and moved
    /// into place when complete; an existing file is replaced only with -Force. Without -Path the text is written to
    /// the pipeline.
    /// </remarks>
    /// <example>
    /// <code>Export-LoomcycleChat s_01HZX3 -Path ./chat.md</code>
    /// <para>Saves one chat as Markdown.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleChat -Scope tenant -Pinned | Export-LoomcycleChat -Path ./archive</code>
    /// <para>Saves every pinned chat into a folder, one file per chat.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "LoomcycleChat", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo), typeof(string))]
    public sealed class ExportLoomcycleChatCommand : LoomcycleCmdlet
    {
        /// <summary>The chat (session) to export.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SessionId { get; set; } = string.Empty;

        /// <summary>Markdown (the whole event log, the default) or Conversation (only the user and assistant turns).</summary>
        [Parameter]
        [ValidateSet("Markdown", "Conversation")]
        public string Format { get; set; } = "Markdown";

        /// <summary>The file to write, or an existing folder to write &lt;session id&gt;.md into. Without it the text is output.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>self, user, tenant or global (admin).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("self", "user", "tenant", "global")]
        [LowerCase]
        public string? Scope { get; set; }

        /// <summary>Replaces an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            string format = Format.ToLowerInvariant();
            if (Path is null)
            {
                TryRun(SessionId, () => WriteObject(InvokeEngine((connection, token) => connection.ExportChatAsync(SessionId, format, Scope, token)).Text));
                return;
            }

            string resolved = GetUnresolvedProviderPathFromPSPath(Path);
            string file = Directory.Exists(resolved) ? System.IO.Path.Combine(resolved, FileNameFor(SessionId)) : resolved;
            if (!ShouldProcess(file, $"Export chat {SessionId}"))
            {
                return;
            }

            TryRun(
                SessionId,
                () => WriteObject(InvokeEngine((connection, token) => connection.ExportChatToFileAsync(SessionId, file, Force, format, Scope, token))),
                ex => ex is InvalidArgumentException && !Force && File.Exists(file) ? "Use -Force to overwrite the file." : null);
        }

        private static string FileNameFor(string id)
        {
            char[] name = id.ToCharArray();
            char[] invalid = System.IO.Path.GetInvalidFileNameChars();
            for (int i = 0; i < name.Length; i++)
            {
                if (Array.IndexOf(invalid, name[i]) >= 0 || name[i] == '/' || name[i] == '\\')
                {
                    name[i] = '_';
                }
            }

            string safe = new string(name);
            return (safe == "." || safe == ".." ? "_" + safe : safe) + ".md";
        }
    }
}
