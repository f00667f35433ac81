using Loomcycle.FakeServer.Routing;

namespace Loomcycle.FakeServer.Routes;

/// <summary>Every route of the fake server: the 27 operations of the reference client.</summary>
internal static class RouteTable
{
    public static Router Build()
    {
        var router = new Router();
        HealthRoutes.Map(router);
        RunRoutes.Map(router);
        TranscriptRoutes.Map(router);
        AgentRoutes.Map(router);
        UserRoutes.Map(router);
        PauseRoutes.Map(router);
        SnapshotRoutes.Map(router);
        MemoryRoutes.Map(router);
        InterruptRoutes.Map(router);
        HookRoutes.Map(router);
        LiveRoutes.Map(router);
        DefinitionRoutes.Map(router);
        AdminRoutes.Map(router);
        DataRoutes.Map(router);
        ChannelRoutes.Map(router);
        HistoryRoutes.Map(router);
        return router;
    }
}
