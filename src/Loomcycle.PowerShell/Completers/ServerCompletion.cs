using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Loomcycle.PowerShell
{
    /// <summary>One value a completer offers: what is inserted, what the menu shows, and a tooltip.</summary>
    internal readonly struct Candidate
    {
        public Candidate(string value, string toolTip)
        {
            Value = value;
            ToolTip = string.IsNullOrEmpty(toolTip) ? value : toolTip;
        }

        public string Value { get; }

        public string ToolTip { get; }
    }

    /// <summary>
    /// What the server-backed completers share. Tab completion runs on the prompt's thread, so a fetch gets a
    /// short guard (<see cref="Guard"/>): a slow or absent server costs at most that long and yields nothing.
    /// Answers (and failures) are cached briefly per connection and arguments, so pressing Tab repeatedly
    /// sends one request. No retries, no prompts, no errors: completion never throws.
    /// </summary>
    internal static class ServerCompletion
    {
        /// <summary>Longest a completion waits for the server.</summary>
        internal static TimeSpan Guard = TimeSpan.FromSeconds(1.5);

        /// <summary>How long an answer is reused.</summary>
        internal static TimeSpan CacheLifetime = TimeSpan.FromSeconds(20);

        /// <summary>How long a failure (timeout, refused connection, error) is remembered, so Tab stays quick.</summary>
        internal static TimeSpan FailureLifetime = TimeSpan.FromSeconds(5);

        private static readonly ConditionalWeakTable<LoomcycleConnection, ConcurrentDictionary<string, CacheEntry>> Caches =
            new ConditionalWeakTable<LoomcycleConnection, ConcurrentDictionary<string, CacheEntry>>();

        private static readonly Stopwatch Clock = Stopwatch.StartNew();

        public static IEnumerable<CompletionResult> Complete(
            IDictionary? fakeBoundParameters,
            string wordToComplete,
            string cacheKey,
            Func<LoomcycleConnection, CancellationToken, Task<IEnumerable<Candidate>>> fetch)
        {
            LoomcycleConnection? connection = ResolveConnection(fakeBoundParameters);
            if (connection is null)
            {
                return Array.Empty<CompletionResult>();
            }

            Candidate[] candidates = Fetch(connection, cacheKey, fetch);
            return Match(candidates, wordToComplete);
        }

        /// <summary>A bound parameter's value as a string (unwrapping PSObject), or null.</summary>
        public static string? BoundString(IDictionary? fakeBoundParameters, string name)
        {
            if (fakeBoundParameters is null || !fakeBoundParameters.Contains(name))
            {
                return null;
            }

            object? value = fakeBoundParameters[name];
            value = value is PSObject ps ? ps.BaseObject : value;
            string? text = value?.ToString();
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }

        /// <summary>The connection the command would use: its -Connection, else the current one, environment or default.</summary>
        internal static LoomcycleConnection? ResolveConnection(IDictionary? fakeBoundParameters)
        {
            try
            {
                object? given = fakeBoundParameters is not null && fakeBoundParameters.Contains("Connection") ? fakeBoundParameters["Connection"] : null;
                given = given is PSObject ps ? ps.BaseObject : given;
                LoomcycleConnection connection = ConnectionResolver.Resolve(given as LoomcycleConnection);
                return connection.IsDisposed ? null : connection;
            }
            catch (Exception)
            {
                // A bad LOOMCYCLE_BASE_URL or similar: completion offers nothing rather than an error.
                return null;
            }
        }

        private static Candidate[] Fetch(LoomcycleConnection connection, string cacheKey, Func<LoomcycleConnection, CancellationToken, Task<IEnumerable<Candidate>>> fetch)
        {
            ConcurrentDictionary<string, CacheEntry> cache = Caches.GetValue(connection, _ => new ConcurrentDictionary<string, CacheEntry>(StringComparer.Ordinal));
            TimeSpan now = Clock.Elapsed;
            if (cache.TryGetValue(cacheKey, out CacheEntry cached) && cached.ExpiresAt > now)
            {
                return cached.Candidates;
            }

            Candidate[]? result = null;
            using (var cancel = new CancellationTokenSource())
            {
                Task<Candidate[]> task = Task.Run(async () =>
                {
                    // A completion must not sit through back-offs: no retries.
                    LoomcycleCallContext.Current = new LoomcycleCallContext { MaximumRetryCount = 0 };
                    IEnumerable<Candidate> items = await fetch(connection, cancel.Token).ConfigureAwait(false);
                    return items.ToArray();
                });

                try
                {
                    if (task.Wait(Guard))
                    {
                        result = task.Result;
                    }
                }
                catch (AggregateException)
                {
                    // Server error, refused connection …: nothing to offer.
                }
                finally
                {
                    if (!task.IsCompleted)
                    {
                        cancel.Cancel(); // closes the request; the task ends on its own
                        task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                    }
                }
            }

            cache[cacheKey] = new CacheEntry(result ?? Array.Empty<Candidate>(), Clock.Elapsed + (result is null ? FailureLifetime : CacheLifetime));
            return result ?? Array.Empty<Candidate>();
        }

        private static IEnumerable<CompletionResult> Match(Candidate[] candidates, string? wordToComplete)
        {
            string word = wordToComplete ?? string.Empty;
            char quote = word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word[0] : '\0';
            string bare = quote == '\0' ? word : word.Substring(1).TrimEnd(quote);
            var pattern = WildcardPattern.Get(bare + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (Candidate candidate in candidates)
            {
                if (!seen.Add(candidate.Value) || !pattern.IsMatch(candidate.Value))
                {
                    continue;
                }

                yield return new CompletionResult(Quote(candidate.Value, quote), candidate.Value, CompletionResultType.ParameterValue, candidate.ToolTip);
            }
        }

        private static string Quote(string value, char quote)
        {
            bool needsQuotes = quote != '\0' || value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || "'\"`$(){}[];,|&<>@#".IndexOf(c) >= 0);
            if (!needsQuotes)
            {
                return value;
            }

            return quote == '"'
                ? "\"" + value.Replace("`", "``").Replace("\"", "`\"").Replace("$", "`$") + "\""
                : "'" + value.Replace("'", "''") + "'";
        }

        private readonly struct CacheEntry
        {
            public CacheEntry(Candidate[] candidates, TimeSpan expiresAt)
            {
                Candidates = candidates;
                ExpiresAt = expiresAt;
            }

            public Candidate[] Candidates { get; }

            public TimeSpan ExpiresAt { get; }
        }
    }
}
