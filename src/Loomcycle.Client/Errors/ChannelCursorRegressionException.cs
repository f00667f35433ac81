using System;

namespace Loomcycle
{
    /// <summary>A confirmed channel cursor is behind the one already committed (409 channel_cursor_regression): cursors only move forward.</summary>
    public class ChannelCursorRegressionException : LoomcycleException
    {
        public ChannelCursorRegressionException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }
}
