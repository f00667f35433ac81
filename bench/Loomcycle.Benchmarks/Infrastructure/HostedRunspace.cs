using System;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Loomcycle.Benchmarks.Infrastructure
{
    /// <summary>A PowerShell 7.6 runspace hosted in this process (System.Management.Automation 7.6.9).</summary>
    public sealed class HostedRunspace : IDisposable
    {
        public HostedRunspace()
        {
            Runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            Runspace.Open();
        }

        public Runspace Runspace { get; }

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

        /// <summary>The built module: out/Loomcycle/Loomcycle.psd1.</summary>
        public static string LoomcycleManifest => Path.Combine(RepositoryRoot, "out", "Loomcycle", "Loomcycle.psd1");

        /// <summary>The empty binary module built beside the benchmarks.</summary>
        public static string EmptyManifest => Path.Combine(AppContext.BaseDirectory, "EmptyModule", "EmptyModule.psd1");

        /// <summary>The empty module with one view and one type extension (a reference, not a baseline of any goal).</summary>
        public static string EmptyWithViewsManifest => Path.Combine(AppContext.BaseDirectory, "EmptyModule", "EmptyModuleWithViews.psd1");

        /// <summary>Runs a script; throws on any error so a broken benchmark never reports a number.</summary>
        public Collection<PSObject> Run(string script)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = Runspace;
            ps.AddScript(script);
            Collection<PSObject> output = ps.Invoke();
            if (ps.Streams.Error.Count > 0)
            {
                throw new InvalidOperationException("PowerShell wrote errors: " + string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
            }

            return output;
        }

        /// <summary>Imports Loomcycle and the bench cmdlets, and connects to <paramref name="baseUri"/>.</summary>
        public static HostedRunspace ForLoomcycle(Uri baseUri)
        {
            var rs = new HostedRunspace();
            rs.Run($"Import-Module '{LoomcycleManifest}' -ErrorAction Stop");
            rs.Run($"Import-Module -Assembly ([{typeof(WriteBenchObjectCommand).FullName}].Assembly) -ErrorAction Stop");
            rs.Runspace.SessionStateProxy.SetVariable("benchToken", BenchServer.TokenSecure());
            rs.Run($"Connect-Loomcycle -BaseUrl '{baseUri}' -Token $benchToken");
            return rs;
        }

        public void Dispose() => Runspace.Dispose();
    }
}
