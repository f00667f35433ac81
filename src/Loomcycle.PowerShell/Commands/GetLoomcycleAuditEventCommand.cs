using System;
using System.Linq;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets entries of the server's audit log, newest first, fetching page after page by itself.</summary>
    /// <remarks>
    /// Calls GET /v1/_events with limit and offset until the log (or -First) is exhausted. -Type, -From and -To
    /// filter on the server. -First and -Skip page like Select-Object, and -IncludeTotalCount writes the
    /// server's count first. Payload is the stored event JSON, exact; PayloadObject reads it as an object.
    /// Stops at once on Ctrl+C or when a downstream Select-Object -First has enough.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleAuditEvent -Type erasure -From (Get-Date).AddDays(-30)</code>
    /// <para>Lists last month's erasure events.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleAuditEvent -First 20 -Skip 40</code>
    /// <para>Shows the third page of twenty events.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleAuditEvent", SupportsPaging = true)]
    [OutputType(typeof(AuditEvent))]
    public sealed class GetLoomcycleAuditEventCommand : LoomcycleCmdlet
    {
        /// <summary>Only events of this type.</summary>
        [Parameter(Position = 0)]
        public string? Type { get; set; }

        /// <summary>Only events at or after this time.</summary>
        [Parameter]
        public DateTime? From { get; set; }

        /// <summary>Only events at or before this time.</summary>
        [Parameter]
        public DateTime? To { get; set; }

        /// <summary>One tenant only (admin token).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(TenantCompleter))]
        public string? Tenant { get; set; }

        /// <summary>Events per request (1 to 500, default 200).</summary>
        [Parameter]
        [ValidateRange(1, 500)]
        public int PageSize { get; set; } = 200;

        protected override void EndProcessing()
        {
            DateTimeOffset? from = From is DateTime f ? AdminTime.ToOffset(f) : null;
            DateTimeOffset? to = To is DateTime t ? AdminTime.ToOffset(t) : null;
            ulong first = PagingParameters.First;
            long offset = PagingParameters.Skip > long.MaxValue ? long.MaxValue : (long)PagingParameters.Skip;
            ulong written = 0;
            bool countWritten = !PagingParameters.IncludeTotalCount;
            TryRun("/v1/_events", () =>
            {
                while (written < first)
                {
                    ulong remaining = first - written;
                    int limit = remaining < (ulong)PageSize ? (int)remaining : PageSize;
                    long pageOffset = offset;
                    AuditEventPage page = InvokeEngine((connection, token) => connection.ListAuditEventsAsync(Type, from, to, limit, pageOffset, Tenant, token));
                    if (!countWritten)
                    {
                        WriteObject(PagingParameters.NewTotalCount((ulong)Math.Max(0, page.Total), 1.0));
                        countWritten = true;
                    }

                    AuditEvent[] events = page.Events ?? Array.Empty<AuditEvent>();
                    if (to is null && events.Length > 0)
                    {
                        // The log is read newest first by offset: every event written meanwhile would push the next page
                        // down and repeat its first events. Hold the window at the first page's newest event (plus a
                        // microsecond: the server's times have nanoseconds, ours 100 ns ticks).
                        DateTimeOffset? newest = events.Max(e => e.Timestamp);
                        to = newest?.AddTicks(10);
                    }

                    foreach (AuditEvent item in events)
                    {
                        if (written >= first)
                        {
                            break;
                        }

                        WriteObject(item);
                        written++;
                    }

                    offset += events.Length;
                    if (events.Length == 0 || events.Length < limit || offset >= page.Total || StopToken.IsCancellationRequested)
                    {
                        break;
                    }
                }
            });
        }
    }
}
