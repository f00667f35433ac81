using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>
    /// A PowerShell 7.6 runspace with the built module imported from its manifest, as a user would.
    /// Every stream of every command is captured so tests can assert what a user would see.
    /// </summary>
    public sealed class PowerShellSession : IDisposable
    {
        private readonly Runspace _runspace;

        public PowerShellSession(bool importModule = true)
        {
            InitialSessionState state = InitialSessionState.CreateDefault2();
            _runspace = RunspaceFactory.CreateRunspace(state);
            _runspace.Open();
            if (importModule)
            {
                Run($"Import-Module '{ModuleManifest}' -ErrorAction Stop").ThrowIfErrors();
            }
        }

        /// <summary>The built module's manifest: out/Loomcycle/Loomcycle.psd1 under the repository root.</summary>
        public static string ModuleManifest { get; } = Path.Combine(RepositoryRoot, "out", "Loomcycle", "Loomcycle.psd1");

        public static string RepositoryRoot
        {
            get
            {
                for (DirectoryInfo? dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "Loomcycle.PowerShell.sln")))
                    {
                        return dir.FullName;
                    }
                }

                throw new InvalidOperationException("Cannot find the repository root (Loomcycle.PowerShell.sln) above " + AppContext.BaseDirectory);
            }
        }

        public Runspace Runspace => _runspace;

        /// <summary>Runs a script with optional variables; never throws for PowerShell errors, which land in the result.</summary>
        public PowerShellResult Run(string script, IDictionary<string, object?>? variables = null)
        {
            using System.Management.Automation.PowerShell ps = Create(script, variables);
            var output = new List<PSObject>();
            Exception? terminating = null;
            try
            {
                output.AddRange(ps.Invoke());
            }
            catch (RuntimeException ex)
            {
                terminating = ex;
            }

            return new PowerShellResult(output, ps.Streams, terminating, ps.HadErrors);
        }

        /// <summary>Creates a PowerShell instance for tests that need to drive it (BeginInvoke, Stop).</summary>
        public System.Management.Automation.PowerShell Create(string script, IDictionary<string, object?>? variables = null)
        {
            System.Management.Automation.PowerShell ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = _runspace;
            if (variables is not null)
            {
                foreach (KeyValuePair<string, object?> pair in variables)
                {
                    _runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
                }
            }

            ps.AddScript(script);
            return ps;
        }

        public void Dispose() => _runspace.Dispose();
    }

    /// <summary>Everything one invocation produced.</summary>
    public sealed class PowerShellResult
    {
        public PowerShellResult(List<PSObject> output, PSDataStreams streams, Exception? terminating, bool hadErrors)
        {
            Output = output;
            Errors = streams.Error.ToList();
            Warnings = streams.Warning.Select(w => w.Message).ToList();
            Verbose = streams.Verbose.Select(v => v.Message).ToList();
            Debug = streams.Debug.Select(d => d.Message).ToList();
            Information = streams.Information.ToList();
            Terminating = terminating;
            HadErrors = hadErrors;
        }

        public List<PSObject> Output { get; }
        public List<ErrorRecord> Errors { get; }
        public List<string> Warnings { get; }
        public List<string> Verbose { get; }
        public List<string> Debug { get; }
        public List<InformationRecord> Information { get; }
        public Exception? Terminating { get; }
        public bool HadErrors { get; }

        /// <summary>All errors, terminating included, as ErrorRecords.</summary>
        public IEnumerable<ErrorRecord> AllErrors =>
            Terminating is IContainsErrorRecord container ? Errors.Append(container.ErrorRecord) : Errors;

        /// <summary>The text written to the host (Write-Host style information).</summary>
        public string HostText => string.Concat(Information.Select(i => i.MessageData is HostInformationMessage m ? m.Message + (m.NoNewLine == true ? string.Empty : "\n") : i.MessageData?.ToString() + "\n"));

        /// <summary>Every text any stream or object shows, for leak checks.</summary>
        public string Everything()
        {
            var parts = new List<string>();
            parts.AddRange(Output.Select(o => o?.ToString() ?? string.Empty));
            parts.AddRange(Output.SelectMany(o => o?.Properties.Select(p => SafeValue(p)) ?? Array.Empty<string>()));
            parts.AddRange(AllErrors.Select(e => e.ToString() + "|" + e.Exception + "|" + e.ErrorDetails?.Message + "|" + e.TargetObject));
            parts.AddRange(Warnings);
            parts.AddRange(Verbose);
            parts.AddRange(Debug);
            parts.Add(HostText);
            return string.Join("\n", parts);
        }

        public PowerShellResult ThrowIfErrors()
        {
            if (Terminating is not null)
            {
                throw new InvalidOperationException("PowerShell failed: " + Terminating.Message, Terminating);
            }

            if (Errors.Count > 0)
            {
                throw new InvalidOperationException("PowerShell wrote errors: " + string.Join("; ", Errors.Select(e => e.ToString())));
            }

            return this;
        }

        private static string SafeValue(PSPropertyInfo property)
        {
            try
            {
                object? value = property.Value;
                return value is IEnumerable enumerable and not string ? string.Join(",", enumerable.Cast<object?>()) : value?.ToString() ?? string.Empty;
            }
            catch (Exception ex)
            {
                return ex.Message;
            }
        }
    }
}
