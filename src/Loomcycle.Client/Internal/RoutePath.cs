using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace Loomcycle
{
    /// <summary>
    /// Builds request URIs. Every id becomes exactly one escaped path segment, so no id can change
    /// which route is called: ids the server restricts (agent, run, user, interrupt) are checked against
    /// its own pattern before anything is sent, and the dot segments <c>.</c> and <c>..</c> (which
    /// survive escaping and would be collapsed by <see cref="Uri"/>) are refused for every id.
    /// </summary>
    internal sealed class RoutePath
    {
        // The server's validIdent: [A-Za-z0-9_-]{1,128}.
        private static readonly Regex ServerIdentifier = new Regex("^[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant);

        private readonly StringBuilder _path = new StringBuilder(64);
        private List<KeyValuePair<string, string>>? _query;

        public RoutePath(string literal)
        {
            _path.Append(literal.TrimStart('/'));
        }

        /// <summary>
        /// What this request is about, for the target of its errors: the last id in the route (the interrupt of a run,
        /// the key in a memory scope), or what <see cref="About"/> named.
        /// </summary>
        public string? Target { get; private set; }

        /// <summary>Appends a fixed part of the route.</summary>
        public RoutePath Literal(string literal)
        {
            _path.Append('/').Append(literal);
            return this;
        }

        /// <summary>Appends an id the server validates with validIdent; refuses anything else before sending.</summary>
        public RoutePath Identifier(string? value, string parameterName)
        {
            if (value is null || !ServerIdentifier.IsMatch(value))
            {
                throw new InvalidArgumentException(
                    $"{parameterName} '{value}' is not valid: the server accepts only letters, digits, '_' and '-' (1 to 128 characters).")
                { Target = value };
            }

            return Append(value);
        }

        /// <summary>Appends a free-form id (session, snapshot, hook, memory scope id or key) as one escaped segment.</summary>
        public RoutePath Segment(string? value, string parameterName)
        {
            if (string.IsNullOrEmpty(value))
            {
                throw new InvalidArgumentException($"{parameterName} must not be empty.") { Target = value };
            }

            if (value == "." || value == "..")
            {
                throw new InvalidArgumentException(
                    $"{parameterName} '{value}' cannot be sent: a dot segment would address a different route.")
                { Target = value };
            }

            return Append(value!);
        }

        /// <summary>Names what the request is about when no id in the route says it (an envelope sent in the body).</summary>
        public RoutePath About(string target)
        {
            Target = target;
            return this;
        }

        public RoutePath Query(string name, string? value)
        {
            if (value is not null)
            {
                (_query ??= new List<KeyValuePair<string, string>>()).Add(new KeyValuePair<string, string>(name, value));
            }

            return this;
        }

        public Uri ToUri(Uri baseUri)
        {
            var text = new StringBuilder(baseUri.AbsoluteUri.Length + _path.Length + 32);
            text.Append(baseUri.AbsoluteUri).Append(_path);
            if (_query is not null)
            {
                char separator = '?';
                foreach (KeyValuePair<string, string> pair in _query)
                {
                    text.Append(separator).Append(Uri.EscapeDataString(pair.Key)).Append('=').Append(Uri.EscapeDataString(pair.Value));
                    separator = '&';
                }
            }

            return new Uri(text.ToString(), UriKind.Absolute);
        }

        private RoutePath Append(string value)
        {
            Target = value;
            _path.Append('/').Append(Uri.EscapeDataString(value));
            return this;
        }
    }
}
