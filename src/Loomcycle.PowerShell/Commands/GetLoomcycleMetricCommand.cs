using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell.Commands
{
    /// <summary>Gets the server's process metrics: a summary by period, raw samples, or one run's resource use (admin token).</summary>
    /// <remarks>
    /// By default calls GET /v1/_metrics/summary and writes one bucket per interval of -Period (1h, 24h or 7d).
    /// With -Since it writes the raw process samples from then (to -Until), following the server's cursor page
    /// by page. With -RunId it writes the RSS and CPU peaks over that run. When the server's sampler is off the
    /// answer is an Unavailable error that says how to enable it.
    /// </remarks>
    /// <example>
    /// <code>Get-LoomcycleMetric -Period 24h | Measure-Object MaxRssBytes -Maximum</code>
    /// <para>Shows the highest memory use of the last day.</para>
    /// </example>
    /// <example>
    /// <code>Get-LoomcycleMetric -Since (Get-Date).AddMinutes(-10)</code>
    /// <para>Lists the raw samples of the last ten minutes.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "LoomcycleMetric", DefaultParameterSetName = SummarySet)]
    [OutputType(typeof(MetricBucket), ParameterSetName = new[] { SummarySet })]
    [OutputType(typeof(ProcessSample), ParameterSetName = new[] { SamplesSet })]
    [OutputType(typeof(RunMetrics), ParameterSetName = new[] { RunSet })]
    public sealed class GetLoomcycleMetricCommand : LoomcycleCmdlet
    {
        private const string SummarySet = "Summary";
        private const string SamplesSet = "Samples";
        private const string RunSet = "Run";

        /// <summary>The summary period: 1h (default), 24h or 7d.</summary>
        [Parameter(Position = 0, ParameterSetName = SummarySet)]
        [ValidateSet("1h", "24h", "7d")]
        [LowerCase]
        public string? Period { get; set; }

        /// <summary>Writes the raw samples taken at or after this time.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SamplesSet)]
        public DateTime Since { get; set; }

        /// <summary>With -Since: only samples up to this time.</summary>
        [Parameter(ParameterSetName = SamplesSet)]
        public DateTime? Until { get; set; }

        /// <summary>Writes the resource use over this run.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RunSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] RunId { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            if (ParameterSetName != RunSet)
            {
                return;
            }

            foreach (string runId in RunId)
            {
                TryRun(runId, () => WriteObject(InvokeEngine((connection, token) => connection.GetRunMetricsAsync(runId, token))));
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == SummarySet)
            {
                TryRun("/v1/_metrics/summary", () => WriteObject(InvokeEngine((connection, token) => connection.GetMetricSummaryAsync(Period, token)), enumerateCollection: true));
            }
            else if (ParameterSetName == SamplesSet)
            {
                DateTimeOffset since = AdminTime.ToOffset(Since);
                DateTimeOffset? until = Until is DateTime u ? AdminTime.ToOffset(u) : null;
                TryRun("/v1/_metrics/samples", () =>
                {
                    string? cursor = null;
                    do
                    {
                        string? pageCursor = cursor;
                        (ProcessSample[] samples, string? next) = InvokeEngine((connection, token) => connection.GetMetricSamplesAsync(since, until, null, pageCursor, token));
                        WriteObject(samples, enumerateCollection: true);
                        cursor = samples.Length == 0 || next == pageCursor ? null : next;
                    }
                    while (cursor is not null && !StopToken.IsCancellationRequested);
                });
            }
        }
    }
}
