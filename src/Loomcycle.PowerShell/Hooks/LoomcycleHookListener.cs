using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Loomcycle.Hooks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// A hook listener running in this PowerShell session: the receiver that answers the server's hook calls by
    /// running script blocks. Get-LoomcycleHookListener writes these; Stop-LoomcycleHookListener ends them.
    /// </summary>
    public sealed class LoomcycleHookListener
    {
        internal LoomcycleHookListener(int id, HookListener listener, ScriptBlockHookRunner runner)
        {
            Id = id;
            Listener = listener;
            Runner = runner;
        }

        /// <summary>Numbers listeners within the session, from 1.</summary>
        public int Id { get; }

        /// <summary>The address callback URLs start with, e.g. http://127.0.0.1:49152/.</summary>
        public Uri Url => Listener.BaseUri;
        public IPAddress ListenAddress => Listener.Address;
        public int Port => Listener.Port;
        public bool IsRunning => Listener.IsRunning;
        public DateTimeOffset StartedAt => Listener.StartedAt;

        /// <summary>Hook calls received.</summary>
        public long Calls => Listener.Calls;

        /// <summary>Requests refused (unknown path, other method, body over 1 MiB, not JSON).</summary>
        public long Refused => Listener.Refused;

        /// <summary>The hooks served, each with its server id, callback URL, calls and failures.</summary>
        public HookRoute[] Hooks => Listener.Routes;

        /// <summary>Calls answered by the fail mode because the script block threw, ran too long or answered badly (newest last).</summary>
        public HookListenerError[] Errors => Listener.Errors;

        internal HookListener Listener { get; }
        internal ScriptBlockHookRunner Runner { get; }

        /// <summary>The connection each route's hook was registered on (to unregister it there, and to spot replacements).</summary>
        private readonly ConditionalWeakTable<HookRoute, LoomcycleConnection> _registeredOn = new ConditionalWeakTable<HookRoute, LoomcycleConnection>();

        /// <summary>Remembers that <paramref name="route"/>'s hook was registered on <paramref name="connection"/>.</summary>
        internal void SetRegisteredOn(HookRoute route, LoomcycleConnection connection)
        {
            _registeredOn.Remove(route);
            _registeredOn.Add(route, connection);
        }

        /// <summary>The connection <paramref name="route"/>'s hook was registered on, or null before it is registered.</summary>
        internal LoomcycleConnection? RegisteredOn(HookRoute route) => _registeredOn.TryGetValue(route, out LoomcycleConnection? connection) ? connection : null;

        public override string ToString() => Url.ToString();
    }

    /// <summary>
    /// The hook listeners of each PowerShell session (runspace). A listener lives until
    /// Stop-LoomcycleHookListener, the module's removal, or the close of the runspace that started it; each of
    /// them unregisters its hooks on the server first.
    /// </summary>
    public static class HookListenerSessions
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<Guid, Session> Sessions = new Dictionary<Guid, Session>();

        /// <summary>Stops every listener of the current session, unregistering its hooks (the module calls this when removed).</summary>
        public static void StopCurrentSession()
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            if (runspace is not null)
            {
                StopSession(runspace.InstanceId);
            }
        }

        internal static System.Management.Automation.ErrorRecord NotFound(int id) => new System.Management.Automation.ErrorRecord(
            new System.Management.Automation.ItemNotFoundException("This session has no hook listener " + id + "."),
            "HookListenerNotFound", System.Management.Automation.ErrorCategory.ObjectNotFound, id);

        internal static LoomcycleHookListener[] List(Runspace runspace)
        {
            lock (Gate)
            {
                return Sessions.TryGetValue(runspace.InstanceId, out Session? session) ? session.Listeners.ToArray() : Array.Empty<LoomcycleHookListener>();
            }
        }

        /// <summary>A running listener on <paramref name="address"/> (and <paramref name="port"/> when given), or a new one.</summary>
        internal static LoomcycleHookListener GetOrStart(Runspace runspace, IPAddress address, int? port, out bool started)
        {
            lock (Gate)
            {
                if (!Sessions.TryGetValue(runspace.InstanceId, out Session? session))
                {
                    session = new Session(runspace);
                    Sessions[runspace.InstanceId] = session;
                    runspace.StateChanged += OnRunspaceStateChanged;
                }

                LoomcycleHookListener? existing = session.Listeners.FirstOrDefault(l =>
                    l.IsRunning && l.ListenAddress.Equals(address) && (port is null || port.Value == 0 || l.Port == port.Value));
                if (existing is not null)
                {
                    started = false;
                    return existing;
                }

                var listener = new HookListener(address, port ?? 0);
                ScriptBlockHookRunner runner;
                try
                {
                    runner = new ScriptBlockHookRunner();
                }
                catch
                {
                    listener.Stop();
                    throw;
                }

                var created = new LoomcycleHookListener(++session.LastId, listener, runner);
                session.Listeners.Add(created);
                started = true;
                return created;
            }
        }

        /// <summary>Stops serving the hook with this server id (after Unregister-LoomcycleHook removed it).</summary>
        internal static void ForgetHook(Runspace runspace, string hookId)
        {
            foreach (LoomcycleHookListener listener in List(runspace))
            {
                foreach (HookRoute route in listener.Hooks.Where(r => r.HookId == hookId))
                {
                    listener.Listener.RemoveRoute(route);
                }
            }
        }

        /// <summary>
        /// Stops serving routes the server replaced: the same owner and name registered again on the same server by the same
        /// principal. The server replaces by tenant, owner and name, so a hook of the same name registered with another token
        /// (an admin's global hook, a tenant's own) is another hook and keeps its route.
        /// </summary>
        internal static void ForgetReplaced(Runspace runspace, HookRoute current, LoomcycleConnection connection)
        {
            foreach (LoomcycleHookListener listener in List(runspace))
            {
                foreach (HookRoute route in listener.Hooks)
                {
                    if (!ReferenceEquals(route, current) && route.Owner == current.Owner && route.Name == current.Name &&
                        listener.RegisteredOn(route) is LoomcycleConnection other && other.ActsAsSamePrincipal(connection))
                    {
                        listener.Listener.RemoveRoute(route);
                    }
                }
            }
        }

        /// <summary>
        /// Unregisters the listener's hooks on their servers, then stops it. Unregister failures are passed to
        /// <paramref name="onError"/> (a hook the server no longer knows is not a failure); the listener stops regardless.
        /// </summary>
        internal static async Task StopAsync(LoomcycleHookListener listener, Action<HookRoute, LoomcycleException>? onError, CancellationToken cancellationToken)
        {
            foreach (HookRoute route in listener.Hooks)
            {
                if (route.HookId is null || listener.RegisteredOn(route) is not LoomcycleConnection connection)
                {
                    continue;
                }

                try
                {
                    await connection.DeleteHookAsync(route.HookId, cancellationToken).ConfigureAwait(false);
                }
                catch (HookNotFoundException)
                {
                }
                catch (LoomcycleException ex)
                {
                    onError?.Invoke(route, ex);
                }
                catch (ObjectDisposedException)
                {
                    // Disconnect-Loomcycle closed the connection the hook was registered on.
                }
            }

            Remove(listener);
        }

        /// <summary>Stops the listener without telling the server (its hooks then fail by their fail mode).</summary>
        internal static void Remove(LoomcycleHookListener listener)
        {
            listener.Listener.Stop();
            listener.Runner.Dispose();
            lock (Gate)
            {
                foreach (Session session in Sessions.Values)
                {
                    session.Listeners.Remove(listener);
                }
            }
        }

        private static void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            RunspaceState state = e.RunspaceStateInfo.State;
            if ((state == RunspaceState.Closing || state == RunspaceState.Closed || state == RunspaceState.Broken) && sender is Runspace runspace)
            {
                runspace.StateChanged -= OnRunspaceStateChanged;
                StopSession(runspace.InstanceId);
            }
        }

        private static void StopSession(Guid runspaceId)
        {
            Session? session;
            lock (Gate)
            {
                if (!Sessions.TryGetValue(runspaceId, out session))
                {
                    return;
                }

                Sessions.Remove(runspaceId);
            }

            session.Runspace.StateChanged -= OnRunspaceStateChanged;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            foreach (LoomcycleHookListener listener in session.Listeners.ToArray())
            {
                try
                {
                    // Off the closing thread's context; best effort within the deadline.
                    Task.Run(() => StopAsync(listener, null, deadline.Token)).GetAwaiter().GetResult();
                }
                catch (Exception ex) when (ex is OperationCanceledException || ex is LoomcycleException)
                {
                    Remove(listener);
                }
            }
        }

        private sealed class Session
        {
            public Session(Runspace runspace) => Runspace = runspace;

            public Runspace Runspace { get; }
            public List<LoomcycleHookListener> Listeners { get; } = new List<LoomcycleHookListener>();
            public int LastId { get; set; }
        }
    }
}
