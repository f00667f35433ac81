using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.Hooks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Runs hook script blocks in a runspace pool of its own (built from InitialSessionState.CreateDefault2, never
    /// the caller's runspace), so calls run concurrently and a slow one can be stopped. Turns each call into the
    /// object the script block gets and what it returns into the hook's answer.
    /// </summary>
    internal sealed class ScriptBlockHookRunner : IDisposable
    {
        /// <summary>Script blocks that may run at once; further calls wait for a free runspace.</summary>
        public const int MaxConcurrency = 8;

        private static readonly string[] PreKeys = { "Deny", "Input", "AllowHosts" };
        private static readonly string[] PostKeys = { "Result" };

        private readonly RunspacePool _pool;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<System.Management.Automation.PowerShell, byte> _running =
            new System.Collections.Concurrent.ConcurrentDictionary<System.Management.Automation.PowerShell, byte>();
        private int _disposed;

        public ScriptBlockHookRunner()
        {
            InitialSessionState state = InitialSessionState.CreateDefault2();
            // Every error stops the script block, so a hook with a failing command gets its fail mode instead of
            // answering as if the check had passed.
            state.Variables.Add(new SessionStateVariableEntry("ErrorActionPreference", ActionPreference.Stop, "Hook script blocks stop at the first error."));
            _pool = RunspaceFactory.CreateRunspacePool(state);
            _pool.SetMinRunspaces(1);
            _pool.SetMaxRunspaces(MaxConcurrency);
            _pool.Open();
        }

        /// <summary>A handler for one hook: the script block's text runs with the call and then <paramref name="arguments"/>.</summary>
        public HookHandler CreateHandler(ScriptBlock scriptBlock, object?[]? arguments)
        {
            // The text is parsed again in a pool runspace: the block keeps no tie to the runspace it was written in.
            string script = scriptBlock.ToString();
            object?[] extra = arguments ?? Array.Empty<object?>();
            return (call, token) => RunAsync(script, extra, call, token);
        }

        /// <summary>Stops running script blocks and closes the pool in the background (a script block stuck in a .NET call
        /// cannot be interrupted, and nobody should wait for it).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            foreach (System.Management.Automation.PowerShell shell in _running.Keys)
            {
                StopQuietly(shell);
            }

            try
            {
                _pool.BeginClose(
                    result =>
                    {
                        try
                        {
                            _pool.EndClose(result);
                            _pool.Dispose();
                        }
                        catch (Exception ex) when (ex is InvalidRunspacePoolStateException || ex is InvalidOperationException || ex is ObjectDisposedException)
                        {
                        }
                    },
                    null);
            }
            catch (Exception ex) when (ex is InvalidRunspacePoolStateException || ex is InvalidOperationException || ex is ObjectDisposedException)
            {
            }
        }

        private async Task<HookAnswer?> RunAsync(string script, object?[] arguments, HookCall call, CancellationToken cancellationToken)
        {
            using var shell = System.Management.Automation.PowerShell.Create();
            shell.RunspacePool = _pool;
            shell.AddScript(script, useLocalScope: true).AddArgument(CallObject(call));
            foreach (object? argument in arguments)
            {
                shell.AddArgument(argument);
            }

            PSDataCollection<PSObject> output;
            _running[shell] = 0;
            try
            {
                using (cancellationToken.Register(() => StopQuietly(shell)))
                {
                    output = await Task.Factory.FromAsync(shell.BeginInvoke(), shell.EndInvoke).ConfigureAwait(false);
                }
            }
            finally
            {
                _running.TryRemove(shell, out _);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return ToAnswer(output, call.Phase);
        }

        private static void StopQuietly(System.Management.Automation.PowerShell shell)
        {
            try
            {
                shell.BeginStop(null, null);
            }
            catch (Exception ex) when (ex is ObjectDisposedException || ex is InvalidOperationException)
            {
            }
        }

        /// <summary>The object a hook script block gets: Phase, Owner, HookName, Agent, UserId, AgentId, ToolCall (Id,
        /// Name, Input as objects, InputJson) and, for post hooks, ToolResult (Text, IsError).</summary>
        internal static PSObject CallObject(HookCall call)
        {
            var toolCall = new PSObject();
            toolCall.Properties.Add(new PSNoteProperty("Id", call.ToolCallId));
            toolCall.Properties.Add(new PSNoteProperty("Name", call.ToolName));
            toolCall.Properties.Add(new PSNoteProperty("Input", JsonView.FromJson(call.ToolInputJson)));
            toolCall.Properties.Add(new PSNoteProperty("InputJson", call.ToolInputJson));

            PSObject? toolResult = null;
            if (call.ToolResultText is not null)
            {
                toolResult = new PSObject();
                toolResult.Properties.Add(new PSNoteProperty("Text", call.ToolResultText));
                toolResult.Properties.Add(new PSNoteProperty("IsError", call.ToolResultIsError));
            }

            var result = new PSObject();
            result.TypeNames.Insert(0, "Loomcycle.HookCall");
            result.Properties.Add(new PSNoteProperty("Phase", call.Phase));
            result.Properties.Add(new PSNoteProperty("Owner", call.Owner));
            result.Properties.Add(new PSNoteProperty("HookName", call.HookName));
            result.Properties.Add(new PSNoteProperty("Agent", call.Agent));
            result.Properties.Add(new PSNoteProperty("UserId", call.UserId));
            result.Properties.Add(new PSNoteProperty("AgentId", call.AgentId));
            result.Properties.Add(new PSNoteProperty("ToolCall", toolCall));
            result.Properties.Add(new PSNoteProperty("ToolResult", toolResult));
            return result;
        }

        /// <summary>
        /// The last thing the script block wrote is the answer: nothing passes the call through; a hashtable or
        /// object with Deny, Input, AllowHosts (pre) or Result (post) changes it. Anything else is a bad answer.
        /// </summary>
        internal static HookAnswer? ToAnswer(IList<PSObject> output, string phase)
        {
            object? last = null;
            for (int i = output.Count - 1; i >= 0; i--)
            {
                if (output[i] is not null && output[i].BaseObject is not null)
                {
                    last = output[i];
                    break;
                }
            }

            if (last is null)
            {
                return null;
            }

            bool post = string.Equals(phase, "post", StringComparison.Ordinal);
            string[] allowed = post ? PostKeys : PreKeys;
            Dictionary<string, object?> fields = Fields(last)
                ?? throw new HookAnswerException(string.Format(CultureInfo.InvariantCulture,
                    "The script block returned a {0}. Return nothing to let the call through, or a hashtable with {1}.",
                    TypeName(last), post ? "Result" : "Deny, Input or AllowHosts"));

            var answer = new HookAnswer();
            foreach (KeyValuePair<string, object?> field in fields)
            {
                string? key = allowed.FirstOrDefault(k => string.Equals(k, field.Key, StringComparison.OrdinalIgnoreCase));
                if (key is null)
                {
                    throw new HookAnswerException(string.Format(CultureInfo.InvariantCulture,
                        "A {0} hook cannot answer '{1}'; it can answer {2}.", phase, field.Key, string.Join(", ", allowed)));
                }

                object? value = Unwrap(field.Value);
                if (value is null)
                {
                    continue;
                }

                switch (key)
                {
                    case "Deny":
                        (answer.DenyText, answer.DenyIsError) = TextAndFlag(value, "Deny", defaultIsError: true);
                        break;
                    case "Result":
                        (answer.ResultText, answer.ResultIsError) = TextAndFlag(value, "Result", defaultIsError: false);
                        break;
                    case "Input":
                        answer.InputJson = PsJson.Serialize(value);
                        break;
                    case "AllowHosts":
                        answer.AllowHosts = value is string one
                            ? new[] { one }
                            : value is IEnumerable many ? many.Cast<object?>().Select(h => Convert.ToString(Unwrap(h), CultureInfo.InvariantCulture) ?? string.Empty).ToArray()
                            : new[] { Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty };
                        break;
                }
            }

            return answer;
        }

        private static (string Text, bool IsError) TextAndFlag(object value, string key, bool defaultIsError)
        {
            if (value is string text)
            {
                return (text, defaultIsError);
            }

            Dictionary<string, object?>? fields = Fields(value);
            if (fields is null)
            {
                return (Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, defaultIsError);
            }

            string? found = null;
            bool isError = defaultIsError;
            foreach (KeyValuePair<string, object?> field in fields)
            {
                if (string.Equals(field.Key, "Text", StringComparison.OrdinalIgnoreCase))
                {
                    found = Convert.ToString(Unwrap(field.Value), CultureInfo.InvariantCulture);
                }
                else if (string.Equals(field.Key, "IsError", StringComparison.OrdinalIgnoreCase))
                {
                    isError = LanguagePrimitives.IsTrue(Unwrap(field.Value));
                }
                else
                {
                    throw new HookAnswerException(key + " takes Text and IsError, not '" + field.Key + "'.");
                }
            }

            return (found ?? throw new HookAnswerException(key + " needs a Text."), isError);
        }

        private static Dictionary<string, object?>? Fields(object value)
        {
            object? bare = Unwrap(value);
            if (bare is IDictionary dictionary)
            {
                var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry entry in dictionary)
                {
                    fields[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = entry.Value;
                }

                return fields;
            }

            if (value is PSObject wrapped && wrapped.BaseObject is PSCustomObject)
            {
                var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (PSPropertyInfo property in wrapped.Properties)
                {
                    fields[property.Name] = property.Value;
                }

                return fields;
            }

            return null;
        }

        private static object? Unwrap(object? value) =>
            value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;

        private static string TypeName(object value) => (Unwrap(value) ?? value).GetType().Name;
    }
}
