using System;

namespace Loomcycle
{
    /// <summary>POST /v1/_snapshots. All optional.</summary>
    public sealed class CreateSnapshotRequest
    {
        public string? Label { get; set; }
        public bool? IncludeHistory { get; set; }

        /// <summary>Only history after this time (used with <see cref="IncludeHistory"/>).</summary>
        public DateTimeOffset? IncludeHistorySince { get; set; }

        /// <summary>Size cap for this capture in bytes; replaces the server's 512 MiB default.</summary>
        public long? MaxBytes { get; set; }
    }
}
