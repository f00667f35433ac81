using System;

namespace Loomcycle
{
    /// <summary>The run is in the middle of a turn (409 run_busy): compact it once it is parked.</summary>
    public class RunBusyException : LoomcycleException
    {
        public RunBusyException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
