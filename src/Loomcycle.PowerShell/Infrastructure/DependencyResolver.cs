using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
#if NET8_0_OR_GREATER
using System.Runtime.Loader;
#endif

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Resolves the module's third-party assemblies (bin/&lt;edition&gt;/deps) privately, so another module
    /// that ships a different version of the same assembly breaks neither. On PowerShell 7 they load into
    /// the module's own AssemblyLoadContext; our own assemblies stay in the default context so that
    /// PowerShell can still resolve <c>[Loomcycle.…]</c> types in scripts. On .NET 10 (PowerShell 7.6) the
    /// framework's in-box System.Net.ServerSentEvents wins, as it must.
    /// </summary>
    public sealed class DependencyResolver : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? ".", "deps");

        private static readonly object Gate = new object();
        private static bool _registered;

#if NET8_0_OR_GREATER
        /// <summary>The context our dependencies load into (null until the first one is needed).</summary>
        internal static readonly AssemblyLoadContext LoadContext = new DependencyLoadContext(DependencyFolder);
#endif

        public void OnImport()
        {
            lock (Gate)
            {
                if (_registered)
                {
                    return;
                }

#if NET8_0_OR_GREATER
                AssemblyLoadContext.Default.Resolving += ResolveInPrivateContext;
#else
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencyFolder;
#endif
                _registered = true;
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            // Script-block hooks: removing the module unregisters their hooks and stops their listeners.
            HookListenerSessions.StopCurrentSession();
            lock (Gate)
            {
#if NET8_0_OR_GREATER
                AssemblyLoadContext.Default.Resolving -= ResolveInPrivateContext;
#else
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromDependencyFolder;
#endif
                _registered = false;
            }
        }

        /// <summary>The path we would load <paramref name="name"/> from, if we ship it in a version that satisfies the request.</summary>
        internal static string? FindDependency(AssemblyName name)
        {
            if (string.IsNullOrEmpty(name.Name))
            {
                return null;
            }

            string path = Path.Combine(DependencyFolder, name.Name + ".dll");
            if (!File.Exists(path))
            {
                return null;
            }

            Version? shipped = AssemblyName.GetAssemblyName(path).Version;
            return name.Version is null || shipped is null || shipped >= name.Version ? path : null;
        }

#if NET8_0_OR_GREATER
        private static Assembly? ResolveInPrivateContext(AssemblyLoadContext context, AssemblyName name) =>
            FindDependency(name) is null ? null : LoadContext.LoadFromAssemblyName(name);

        private sealed class DependencyLoadContext : AssemblyLoadContext
        {
            private readonly string _folder;

            public DependencyLoadContext(string folder)
                : base("Loomcycle.Dependencies", isCollectible: false)
            {
                _folder = folder;
            }

            protected override Assembly? Load(AssemblyName assemblyName)
            {
                // Our deps first; everything else (the framework) from the default context.
                string? path = FindDependency(assemblyName);
                return path is null ? null : LoadFromAssemblyPath(path);
            }
        }
#else
        private static Assembly? ResolveFromDependencyFolder(object? sender, ResolveEventArgs args)
        {
            string? path = FindDependency(new AssemblyName(args.Name));
            return path is null ? null : Assembly.LoadFrom(path);
        }
#endif
    }
}
