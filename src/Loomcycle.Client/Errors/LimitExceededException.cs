using System;

namespace Loomcycle
{
    /// <summary>A size or quota limit refused the request (413 memory_value_too_large, memory_quota_exceeded, payload_too_large).</summary>
    public class LimitExceededException : LoomcycleException
    {
        public LimitExceededException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
