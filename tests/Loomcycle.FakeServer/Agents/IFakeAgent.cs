using System.Threading.Tasks;

namespace Loomcycle.FakeServer;

/// <summary>
/// A scripted agent, selected by the <c>agent</c> field of a run request. The server has already sent the
/// <c>session</c> and <c>agent</c> frames when <see cref="RunAsync"/> is called; the agent emits the rest.
/// Finishing without <see cref="AgentRunContext.EmitDoneAsync"/> after an error frame records the run as failed.
/// Throwing <see cref="System.OperationCanceledException"/> (e.g. from a wait on
/// <see cref="AgentRunContext.Cancellation"/>) ends the run as cancelled.
/// </summary>
public interface IFakeAgent
{
    Task RunAsync(AgentRunContext run);
}
