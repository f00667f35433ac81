using System;

namespace Loomcycle
{
    /// <summary>
    /// <see cref="DateTimeOffset.Now"/> for a stream's events, for a moment already read as <see cref="DateTime.UtcNow"/>
    /// ticks (the stream reads the clock once per network read): the local
    /// offset (a time-zone rule lookup that cost more than parsing a small event) is looked up again once a minute,
    /// on the minute, so a change of daylight saving time, which happens on a minute boundary, is never missed.
    /// One instance per stream; not thread-safe.
    /// </summary>
    internal sealed class LocalClock
    {
        private TimeSpan _offset;
        private long _validUntilTicks;

        /// <summary>The local time of a moment given as <see cref="DateTime.UtcNow"/> ticks.</summary>
        public DateTimeOffset At(long utcTicks)
        {
            if (utcTicks >= _validUntilTicks || utcTicks < _validUntilTicks - TimeSpan.TicksPerMinute)
            {
                _offset = TimeZoneInfo.Local.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc));
                _validUntilTicks = (utcTicks / TimeSpan.TicksPerMinute + 1) * TimeSpan.TicksPerMinute;
            }

            return new DateTimeOffset(utcTicks + _offset.Ticks, _offset);
        }
    }
}
