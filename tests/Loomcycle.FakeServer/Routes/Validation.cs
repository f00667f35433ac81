using System.Text.RegularExpressions;

namespace Loomcycle.FakeServer.Routes;

/// <summary>The server's identifier charsets (spec §0.6).</summary>
internal static partial class Validation
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex IdentRegex();

    [GeneratedRegex("^[A-Za-z0-9._\\-+/=]{16,512}$")]
    private static partial Regex BearerRegex();

    public static bool ValidIdent(string s) => IdentRegex().IsMatch(s) && !s.EndsWith('\n');

    public static bool ValidUserBearer(string s) => BearerRegex().IsMatch(s) && !s.EndsWith('\n');

    public const string UserIdMessage = "user_id must match [A-Za-z0-9_-]{1,128}";
    public const string AgentIdMessage = "agent_id must match [A-Za-z0-9_-]{1,128}";
    public const string RunIdMessage = "run_id must match [A-Za-z0-9_-]{1,128}";
    public const string UserBearerMessage = "user_bearer must match [A-Za-z0-9._\\-+/=]{16,512}";
}
