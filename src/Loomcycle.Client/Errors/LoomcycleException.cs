using System;

namespace Loomcycle
{
    /// <summary>
    /// Base of every error the engine raises. HTTP errors carry the status, the server's JSON
    /// <c>code</c> when the body had one, and at most 1 KiB of the body (secrets redacted).
    /// Errors that never got an HTTP status (timeouts, broken streams, refused connections) have
    /// <see cref="StatusCode"/> 0.
    /// </summary>
    public class LoomcycleException : Exception
    {
        /// <summary>The longest body excerpt kept on an exception, in characters.</summary>
        public const int MaxBodyTextLength = 1024;

        public LoomcycleException(string message) : this(message, 0, null, null, null) { }

        public LoomcycleException(string message, Exception? innerException) : this(message, 0, null, null, innerException) { }

        public LoomcycleException(string message, int statusCode, string? code, string? bodyText, Exception? innerException = null)
            : base(message, innerException)
        {
            StatusCode = statusCode;
            Code = code;
            BodyText = Truncate(bodyText);
        }

        /// <summary>HTTP status of the failed response, or 0 when no response was received.</summary>
        public int StatusCode { get; }

        /// <summary>The server's machine-readable error code (JSON <c>code</c>), when the body had one.</summary>
        public string? Code { get; }

        /// <summary>The response body, at most <see cref="MaxBodyTextLength"/> characters, secrets redacted.</summary>
        public string? BodyText { get; }

        /// <summary>What the request was about (an agent id, snapshot id, route …), for error records.</summary>
        public string? Target { get; internal set; }

        /// <summary>The server's Retry-After advice, when it sent one.</summary>
        public TimeSpan? RetryAfter { get; internal set; }

        private static string? Truncate(string? text) =>
            text is null || text.Length <= MaxBodyTextLength ? text : text.Substring(0, MaxBodyTextLength);
    }
}
