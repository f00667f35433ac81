using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace Loomcycle.FakeServer;

/// <summary>One stored version of a substrate definition (any of the ten versioned families).</summary>
public sealed class DefinitionRecord
{
    public string Family { get; init; } = "";
    public string DefId { get; init; } = "";
    public string Name { get; init; } = "";
    public int Version { get; init; }
    public string ParentDefId { get; init; } = "";
    public string Description { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public bool Retired { get; set; }
    public string ContentSha256 { get; init; } = "";

    /// <summary>The stored (normalised) definition body.</summary>
    public JsonObject Definition { get; init; } = new();
}

/// <summary>A schedule's run state (<c>/v1/_schedules/{def_id}/state</c>).</summary>
public sealed class ScheduleRunState
{
    public DateTimeOffset NextRunAt { get; set; }
    public DateTimeOffset? PausedUntil { get; set; }
    public int RunNowCount { get; set; }
}

public sealed partial class FakeState
{
    private readonly List<DefinitionRecord> _definitions = new();
    private readonly Dictionary<string, string> _activeDefinitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _unversioned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScheduleRunState> _scheduleStates = new(StringComparer.Ordinal);

    /// <summary>Every stored version, oldest first.</summary>
    public IReadOnlyList<DefinitionRecord> Definitions
    {
        get { lock (SyncRoot) return _definitions.ToArray(); }
    }

    /// <summary>The active def id of a name in a family (agentdef, scheduledef …), or null.</summary>
    public string? ActiveDefinition(string family, string name)
    {
        lock (SyncRoot) return _activeDefinitions.TryGetValue(family + "\n" + name, out string? id) ? id : null;
    }

    public DefinitionRecord? FindDefinition(string defId)
    {
        lock (SyncRoot) return _definitions.FirstOrDefault(d => d.DefId == defId);
    }

    /// <summary>Stores a new version (normalised by the caller) and optionally makes it active.</summary>
    public DefinitionRecord AddDefinition(string family, string name, JsonObject definition, string description = "", string parentDefId = "", bool promote = true, string contentSha256 = "")
    {
        lock (SyncRoot)
        {
            int version = _definitions.Where(d => d.Family == family && d.Name == name).Select(d => d.Version).DefaultIfEmpty(0).Max() + 1;
            var record = new DefinitionRecord
            {
                Family = family,
                DefId = "def_" + Ids.Hex(8),
                Name = name,
                Version = version,
                ParentDefId = parentDefId,
                Description = description,
                CreatedAt = DateTimeOffset.UtcNow,
                ContentSha256 = contentSha256,
                Definition = definition,
            };
            _definitions.Add(record);
            if (promote) _activeDefinitions[family + "\n" + name] = record.DefId;
            return record;
        }
    }

    internal void SetActiveDefinition(DefinitionRecord record)
    {
        lock (SyncRoot) _activeDefinitions[record.Family + "\n" + record.Name] = record.DefId;
    }

    internal void DeleteDefinitionName(string family, string name)
    {
        lock (SyncRoot)
        {
            _definitions.RemoveAll(d => d.Family == family && d.Name == name);
            _activeDefinitions.Remove(family + "\n" + name);
        }
    }

    /// <summary>Volumes and credentials: plain rows by family and name.</summary>
    public IReadOnlyDictionary<string, JsonObject> UnversionedDefinitions
    {
        get { lock (SyncRoot) return new Dictionary<string, JsonObject>(_unversioned); }
    }

    internal JsonObject? FindUnversioned(string family, string name)
    {
        lock (SyncRoot) return _unversioned.TryGetValue(family + "\n" + name, out JsonObject? row) ? row : null;
    }

    internal bool PutUnversioned(string family, string name, JsonObject row)
    {
        lock (SyncRoot) return _unversioned.TryAdd(family + "\n" + name, row);
    }

    internal bool RemoveUnversioned(string family, string name)
    {
        lock (SyncRoot) return _unversioned.Remove(family + "\n" + name);
    }

    /// <summary>The run state of a promoted schedule def (created on first use).</summary>
    public ScheduleRunState ScheduleState(string defId)
    {
        lock (SyncRoot)
        {
            if (!_scheduleStates.TryGetValue(defId, out ScheduleRunState? state))
            {
                state = new ScheduleRunState { NextRunAt = DateTimeOffset.UtcNow.AddHours(1) };
                _scheduleStates[defId] = state;
            }

            return state;
        }
    }

    private void ClearDefinitions()
    {
        _definitions.Clear();
        _activeDefinitions.Clear();
        _unversioned.Clear();
        _scheduleStates.Clear();
    }
}
