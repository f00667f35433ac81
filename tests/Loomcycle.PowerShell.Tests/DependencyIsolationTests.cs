using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using Xunit;

namespace Loomcycle.PowerShell.Tests
{
    /// <summary>
    /// How the module's dependencies load in PowerShell 7.6 (.NET 10). Our own assemblies stay in the default load
    /// context, so [Loomcycle.…] type literals work; a third-party assembly we ship in bin/Core/deps is resolved into
    /// the module's private "Loomcycle.Dependencies" context when the default context cannot satisfy it, even
    /// when another module already loaded a different version of it.
    /// </summary>
    public sealed class DependencyIsolationTests : IClassFixture<ServerAndSession>
    {
        private const string Probe = "Loomcycle.IsolationProbe";
        private readonly ServerAndSession _fixture;

        public DependencyIsolationTests(ServerAndSession fixture)
        {
            _fixture = fixture;
        }

        private static string CoreFolder => Path.Combine(Path.GetDirectoryName(PowerShellSession.ModuleManifest)!, "bin", "Core");

        [Fact]
        public void OurAssembliesAreInTheDefaultContextAndTheInBoxServerSentEventsServesAStreamedRun()
        {
            var result = _fixture.Session.Run(@"
$null = Invoke-LoomcycleRun -Agent echo -Prompt 'isolation check' -AsResult -ErrorAction Stop
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([Loomcycle.RunEvent].Assembly).Name
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([Loomcycle.PowerShell.LoomcycleCmdlet].Assembly).Name
$sse = [System.Net.ServerSentEvents.SseParser].Assembly
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($sse).Name
$sse.Location
$sse.GetName().Version.ToString()
[System.AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.Location -like '*deps*' -and $_.GetName().Name -eq 'System.Net.ServerSentEvents' }).Count");
            result.ThrowIfErrors();
            var lines = result.Output.Select(o => o.ToString()).ToList();
            Assert.Equal("Default", lines[0]);
            Assert.Equal("Default", lines[1]);

            // .NET 10 carries System.Net.ServerSentEvents in the shared framework: that copy serves the run, and the
            // copy in bin/Core/deps (kept for PowerShell 7.4/7.5 on .NET 8/9) is never loaded.
            Assert.Equal("Default", lines[2]);
            Assert.StartsWith(Path.GetDirectoryName(typeof(object).Assembly.Location)!, lines[3]);
            Assert.Equal("10.0.0.0", lines[4]);
            Assert.Equal("0", lines[5]);
            Assert.True(File.Exists(Path.Combine(CoreFolder, "deps", "System.Net.ServerSentEvents.dll")));
        }

        [Fact]
        public void AnotherModulesOlderCopyInTheDefaultContextDoesNotStopOursLoadingPrivately()
        {
            string temp = Directory.CreateTempSubdirectory("loomcycle-isolation-").FullName;
            string shipped = Path.Combine(CoreFolder, "deps", Probe + ".dll");
            try
            {
                // "Another module" ships version 1 and loads it first, into the default context.
                string theirs = Path.Combine(temp, Probe + ".dll");
                EmitProbe(theirs, new Version(1, 0, 0, 0), "theirs");
                // We ship version 2 in bin/Core/deps.
                EmitProbe(shipped, new Version(2, 0, 0, 0), "ours");

                var result = _fixture.Session.Run(@"
$theirs = [System.Reflection.Assembly]::LoadFrom($theirsPath)
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($theirs).Name
$theirs.GetType('Loomcycle.IsolationProbe.Marker').GetMethod('Which').Invoke($null, $null)
$ours = [System.Reflection.Assembly]::Load('Loomcycle.IsolationProbe, Version=2.0.0.0, Culture=neutral, PublicKeyToken=null')
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($ours).Name
$ours.GetType('Loomcycle.IsolationProbe.Marker').GetMethod('Which').Invoke($null, $null)
$ours.Location
[System.AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'Loomcycle.IsolationProbe' }).Count
(Invoke-LoomcycleRun -Agent echo -Prompt 'still streams' -AsResult -ErrorAction Stop).Text", new Dictionary<string, object?> { ["theirsPath"] = theirs });
                result.ThrowIfErrors();
                var lines = result.Output.Select(o => o.ToString()).ToList();
                Assert.Equal("Default", lines[0]);
                Assert.Equal("theirs", lines[1]);
                Assert.Equal("Loomcycle.Dependencies", lines[2]);
                Assert.Equal("ours", lines[3]);
                Assert.Equal(shipped, lines[4]);
                Assert.Equal("2", lines[5]); // both versions side by side
                Assert.Equal("still streams", lines[6]);
            }
            finally
            {
                TryDelete(shipped);
                Directory.Delete(temp, recursive: true);
            }
        }

        [Fact]
        public void ANameWeDoNotShipIsLeftToOthers()
        {
            var result = _fixture.Session.Run(@"
try { [System.Reflection.Assembly]::Load('Loomcycle.NoSuchDependency, Version=1.0.0.0') | Out-Null; 'loaded' }
catch { $_.Exception.InnerException.GetType().Name }");
            Assert.Equal("FileNotFoundException", result.Output.Single().ToString());
        }

        /// <summary>Writes a tiny assembly with one type whose static Which() returns <paramref name="marker"/>.</summary>
        private static void EmitProbe(string path, Version version, string marker)
        {
            var builder = new PersistedAssemblyBuilder(new AssemblyName(Probe) { Version = version }, typeof(object).Assembly);
            ModuleBuilder module = builder.DefineDynamicModule(Probe);
            TypeBuilder type = module.DefineType(Probe + ".Marker", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
            MethodBuilder which = type.DefineMethod("Which", MethodAttributes.Public | MethodAttributes.Static, typeof(string), Type.EmptyTypes);
            ILGenerator il = which.GetILGenerator();
            il.Emit(OpCodes.Ldstr, marker);
            il.Emit(OpCodes.Ret);
            type.CreateType();
            using FileStream file = File.Create(path);
            builder.Save(file);
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // A loaded file on Windows: the next build's output folder is rebuilt anyway.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
