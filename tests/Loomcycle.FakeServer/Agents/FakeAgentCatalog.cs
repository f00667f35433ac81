using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace Loomcycle.FakeServer;

/// <summary>The agent names the fake server knows (the <c>agent</c> field of a run request).</summary>
internal sealed class FakeAgentCatalog
{
    private readonly ConcurrentDictionary<string, IFakeAgent> _agents = new(StringComparer.Ordinal);

    public FakeAgentCatalog()
    {
        _agents["echo"] = new EchoAgent();
        _agents["chatty"] = new ChattyAgent();
        _agents["tools"] = new ToolsAgent();
        _agents["fail"] = new FailAgent();
        _agents["slow"] = new SlowAgent();
        _agents["hold"] = new HoldAgent();
        _agents["interrupt"] = new InterruptAgent();
        _agents["future"] = new FutureAgent();
        _agents["hooked"] = new HookedToolsAgent();
    }

    public IReadOnlyCollection<string> Names => System.Linq.Enumerable.ToArray(_agents.Keys);

    public bool TryGet(string name, out IFakeAgent agent) => _agents.TryGetValue(name, out agent!);

    public void Register(string name, IFakeAgent agent) => _agents[name] = agent;
}
