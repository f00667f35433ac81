using System;

namespace Loomcycle
{
    /// <summary>The interactive run is parked, not in a turn: there is nothing to stop (409 not_mid_turn). Safe to ignore or retry.</summary>
    public class NotMidTurnException : LoomcycleException
    {
        public NotMidTurnException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
