using System;

namespace Loomcycle
{
    /// <summary>The request was rejected as invalid (HTTP 400, 413 on run bodies, 415, 422 on interrupts), or the client refused to send it.</summary>
    public class InvalidArgumentException : LoomcycleException
    {
        public InvalidArgumentException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }

        /// <summary>
        /// A refusal of the caller's own input before anything is sent (a file, a folder, a value it read), naming what
        /// the input was in <see cref="LoomcycleException.Target"/>. The engine's own refusals set their target themselves.
        /// </summary>
        /// <param name="message">What is wrong with the input.</param>
        /// <param name="target">What the input was (a path, a name), for error records; null when there is nothing to name.</param>
        public InvalidArgumentException(string message, string? target)
            : this(message, target, null) { }

        /// <summary>As <see cref="InvalidArgumentException(string, string?)"/>, with the failure that caused the refusal.</summary>
        /// <param name="message">What is wrong with the input.</param>
        /// <param name="target">What the input was (a path, a name), for error records; null when there is nothing to name.</param>
        /// <param name="innerException">The failure that caused it (a parse error, an I/O error).</param>
        public InvalidArgumentException(string message, string? target, Exception? innerException)
            : base(message, 0, null, null, innerException)
        {
            Target = target;
        }
    }
}
