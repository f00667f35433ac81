using System.Management.Automation;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Shows a run to a person: text deltas flow onto one line as they arrive, tool calls and errors get
    /// short lines of their own. Written as host information (what Write-Host does), so it reaches the
    /// console at once and never mixes into the output a script captures.
    /// </summary>
    internal sealed class ProseWriter
    {
        private static readonly string[] HostTag = { "PSHOST" };
        private readonly Cmdlet _cmdlet;
        private bool _midLine;

        public ProseWriter(Cmdlet cmdlet)
        {
            _cmdlet = cmdlet;
        }

        public void Write(RunEvent ev)
        {
            switch (ev.Type)
            {
                case "text":
                    if (!string.IsNullOrEmpty(ev.Text))
                    {
                        Emit(ev.Text!, noNewLine: true);
                        _midLine = !ev.Text!.EndsWith("\n", System.StringComparison.Ordinal);
                    }

                    break;
                case "tool_call":
                    Line($"[tool {ev.ToolUse?.Name}]");
                    break;
                case "tool_result" when ev.IsError == true:
                    Line($"[tool {ev.ToolUse?.Name} failed]");
                    break;
                case "retry":
                    Line($"[retrying {ev.Retry?.Provider} in {ev.Retry?.WaitMs} ms]");
                    break;
                case "interruption_pending":
                    Line($"[question {ev.Interruption?.InterruptId}: {ev.Interruption?.Question}]");
                    break;
                case "error":
                    Line($"[error: {ev.Error}]");
                    break;
                case "steer":
                    Line($"> {ev.UserInput?.Text}");
                    break;
                case "turn_cancelled":
                    Line($"[turn cancelled{(string.IsNullOrEmpty(ev.TurnCancelled?.Reason) ? string.Empty : ": " + ev.TurnCancelled!.Reason)}]");
                    break;
                case "context_compaction":
                    Line($"[context compacted: {ev.ContextCompaction?.BeforeTokens} -> {ev.ContextCompaction?.AfterTokens} tokens]");
                    break;
            }
        }

        /// <summary>Finishes the prose line so the next output starts on its own line.</summary>
        public void EndLine()
        {
            if (_midLine)
            {
                Emit(string.Empty, noNewLine: false);
                _midLine = false;
            }
        }

        private void Line(string text)
        {
            EndLine();
            Emit(text, noNewLine: false);
        }

        private void Emit(string text, bool noNewLine) =>
            _cmdlet.WriteInformation(new HostInformationMessage { Message = text, NoNewLine = noNewLine }, HostTag);
    }
}
