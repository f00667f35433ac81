using System.Collections.Generic;

namespace Loomcycle.FakeServer;

public sealed partial class FakeState
{
    private readonly List<HookRecord> _hooks = new();
    private readonly List<HookDelivery> _hookDeliveries = new();

    /// <summary>Every hook call made by runs, in completion order.</summary>
    public IReadOnlyList<HookDelivery> HookDeliveries
    {
        get { lock (SyncRoot) return _hookDeliveries.ToArray(); }
    }

    internal void RecordHookDelivery(HookDelivery delivery)
    {
        lock (SyncRoot) _hookDeliveries.Add(delivery);
    }

    /// <summary>Registered hooks in registration (chain) order.</summary>
    public IReadOnlyList<HookRecord> Hooks
    {
        get { lock (SyncRoot) return _hooks.ToArray(); }
    }

    /// <summary>Registers a hook with the server's semantics: the same (tenant, owner, name) replaces the
    /// existing entry in place and gets a new id.</summary>
    public HookRecord AddHook(HookRecord hook)
    {
        lock (SyncRoot)
        {
            hook.Id = string.IsNullOrEmpty(hook.Id) ? Ids.Hook() : hook.Id;
            int index = _hooks.FindIndex(h => h.Owner == hook.Owner && h.Name == hook.Name && h.Tenant == hook.Tenant);
            if (index >= 0) _hooks[index] = hook;
            else _hooks.Add(hook);
            return hook;
        }
    }

    public bool RemoveHook(string id)
    {
        lock (SyncRoot) return _hooks.RemoveAll(h => h.Id == id) > 0;
    }
}
