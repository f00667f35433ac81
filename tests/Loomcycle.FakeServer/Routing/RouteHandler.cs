using System.Threading.Tasks;

namespace Loomcycle.FakeServer.Routing;

internal delegate Task RouteHandler(RequestContext rc);
