using System;
using System.Security.Cryptography;

namespace Loomcycle.FakeServer;

/// <summary>Generated identifiers in the server's formats (spec §0.6).</summary>
public static class Ids
{
    public static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    public static string Agent() => "a_" + Hex(8);
    public static string Session() => "s_" + Hex(8);
    public static string Run() => "r_" + Hex(8);
    public static string Hook() => "hook_" + Hex(8);
    public static string Interrupt() => "intr_" + Hex(12);
    public static string Snapshot(DateTimeOffset now) => "snap_" + now.ToUnixTimeMilliseconds() + "_" + Hex(4);
    public static string ToolUse() => "toolu_" + Hex(12);
}
