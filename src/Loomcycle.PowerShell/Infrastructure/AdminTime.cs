using System;

namespace Loomcycle.PowerShell
{
    /// <summary>Dates from the command line: Unspecified kinds (a typed '2026-11-01') are local time, as PowerShell shows them.</summary>
    internal static class AdminTime
    {
        public static DateTimeOffset ToOffset(DateTime value) =>
            value.Kind == DateTimeKind.Utc ? new DateTimeOffset(value, TimeSpan.Zero) : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Local));
    }
}
