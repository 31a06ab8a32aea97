package dev.rampart.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link MessageQueue} on a local file system (design.md "The queue on disk"; QUE-01, QUE-02, SUB-10).
 *
 * <p>Layout: {@code tmp/ incoming/ active/ deferred/ hold/ corrupt/} under one root, one file per message
 * named by its id ({@link QueueFileFormat}). A state change is an atomic rename followed by a flush of the
 * target directory; a deferred file's modification time is its next attempt, so a restart rebuilds
 * everything from the directories ({@link SpoolRecovery}). An in-memory {@link SpoolIndex} of states and
 * due times makes {@link #claimDue} cheap with a large deferred queue.
 *
 * <p>Commits: the session thread writes and forces its file, then one committer thread renames waiting
 * files into {@code incoming/} and flushes the directory once per batch ({@link GroupCommitter}).
 *
 * <p>Operator commands and the ACTIVE state: a message in {@code active/} is being delivered, so
 * {@link #hold}, {@link #release} and {@link #delete} refuse it (return false) rather than pull the file
 * from under the delivery; the operator repeats the command once the attempt ended. {@link #release} moves
 * a held message to DEFERRED, due now (as Postfix's {@code postsuper -H} does). {@link #complete} refuses
 * (IllegalStateException) a message with a recipient that is not final, since that would lose mail.
 * {@link #flush} changes due times without flushing the directories: if a crash loses it, only the earlier
 * retry is lost, never mail.
 *
 * <p>Thread-safe: many sessions create and commit concurrently, without taking the queue lock until
 * their message is published; moves, updates and index changes are serialised by one lock. Reads
 * ({@link #open}, {@link #find}, {@link #list}) parse files outside the lock and retry if the file moved.
 * One process per spool: {@link #open} takes an exclusive lock on {@code <root>/lock}.
 */
public final class DiskQueue implements MessageQueue {
    private static final int READ_ATTEMPTS = 5;

    private final Spool spool;
    private final InstantSource clock;
    private final QueueIdGenerator ids;
    private final GroupCommitter committer;
    private final FileChannel lockFile;
    private final FileLock processLock;
    private final ReentrantLock lock = new ReentrantLock();
    private final SpoolIndex index = new SpoolIndex();
    private volatile boolean recovered;
    private volatile boolean closed;

    private DiskQueue(Spool spool, InstantSource clock, FileChannel lockFile, FileLock processLock) {
        this.spool = spool;
        this.clock = clock;
        this.ids = new QueueIdGenerator(clock);
        this.lockFile = lockFile;
        this.processLock = processLock;
        this.committer = new GroupCommitter(spool, this::published);
    }

    /**
     * Opens (creating if needed) the spool under {@code dir}. Call {@link #recover()} next.
     *
     * @throws IOException if the directories cannot be created or another process holds the spool
     */
    public static DiskQueue open(Path dir, InstantSource clock) throws IOException {
        return open(dir, clock, DirectorySync.FSYNC);
    }

    static DiskQueue open(Path dir, InstantSource clock, DirectorySync dirSync) throws IOException {
        Spool spool = new Spool(dir, dirSync);
        spool.createDirectories();
        FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock fl;
        try {
            fl = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            ch.close();
            throw new IOException("queue directory " + dir + " is in use by another queue instance");
        }
        return new DiskQueue(spool, clock, ch, fl);
    }

    @Override
    public RecoveryReport recover() throws IOException {
        lock.lock();
        try {
            checkOpen();
            if (recovered) {
                throw new IllegalStateException("recover() runs once, at start");
            }
            RecoveryReport report = new SpoolRecovery(spool, index).run();
            recovered = true;
            return report;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public IncomingMessage create(MessageParams params, List<RecipientSpec> recipients) throws IOException {
        checkReady();
        QueueId id = ids.next();
        Instant arrival = clock.instant();
        QueueFileFormat.Header header = QueueFileFormat.encodeHeader(arrival, params, recipients);
        return DiskIncomingMessage.create(id, arrival, spool.tmpFile(id), committer, header, recipients.size());
    }

    private void published(QueueId id, Instant arrival) {
        lock.lock();
        try {
            index.put(id, QueueState.INCOMING, arrival);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<QueueId> claimDue(Instant now, int max) throws IOException {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        lock.lock();
        try {
            checkReady();
            List<QueueId> claimed = new ArrayList<>();
            IOException failure = null;
            for (SpoolIndex.Slot slot : index.due(now, max)) {
                try {
                    Spool.rename(spool.file(slot.state(), slot.id()), spool.file(QueueState.ACTIVE, slot.id()));
                    index.put(slot.id(), QueueState.ACTIVE, slot.due());
                    claimed.add(slot.id());
                } catch (NoSuchFileException gone) {
                    index.remove(slot.id());
                } catch (IOException e) {
                    failure = e;
                    break;
                }
            }
            // No directory flush here: a claim lost in a crash leaves the file where it was (incoming/ or
            // deferred/), and recovery returns active/ to incoming/ anyway, so durability adds nothing.
            // Messages already moved must reach the caller, or they would sit in active/ until a restart;
            // the failure then surfaces on the next call, which meets the same file first.
            if (failure != null && claimed.isEmpty()) {
                throw failure;
            }
            return List.copyOf(claimed);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<QueuedMessage> open(QueueId id) throws IOException {
        return read(id, (slot, parsed) -> new DiskQueuedMessage(parsed.envelope(), parsed.bodyOffset(),
                parsed.bodyLength(), () -> openCurrent(id)));
    }

    private FileChannel openCurrent(QueueId id) throws IOException {
        lock.lock();
        try {
            SpoolIndex.Slot slot = index.get(id).orElseThrow(() -> new NoSuchFileException(id.value(), null,
                    "message is no longer queued"));
            return FileChannel.open(spool.file(slot.state(), id), StandardOpenOption.READ);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Envelope update(QueueId id, List<RecipientUpdate> updates) throws IOException {
        lock.lock();
        try {
            SpoolIndex.Slot slot = requireSlot(id);
            try (FileChannel ch = FileChannel.open(spool.file(slot.state(), id), StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                return RecipientUpdateWriter.write(id, ch, updates);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void defer(QueueId id, Instant nextAttempt) throws IOException {
        lock.lock();
        try {
            SpoolIndex.Slot slot = requireSlot(id);
            if (slot.state() != QueueState.ACTIVE) {
                throw new IllegalStateException("message " + id + " is " + slot.state() + ", not ACTIVE");
            }
            Path from = spool.file(QueueState.ACTIVE, id);
            setDueTime(from, nextAttempt);
            Spool.rename(from, spool.file(QueueState.DEFERRED, id));
            index.put(id, QueueState.DEFERRED, nextAttempt);
            spool.sync(spool.dir(QueueState.DEFERRED));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void complete(QueueId id) throws IOException {
        lock.lock();
        try {
            SpoolIndex.Slot slot = requireSlot(id);
            Path file = spool.file(slot.state(), id);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                Envelope env = QueueFileReader.read(id, ch, false).envelope();
                if (!env.allFinal()) {
                    throw new IllegalStateException("message " + id + " still has recipients to deliver");
                }
            }
            Files.delete(file);
            index.remove(id);
            // No directory flush: a removal lost in a crash only brings back a message whose recipients are
            // all final on disk; the scheduler finds nothing to deliver and completes it again.
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean hold(QueueId id) throws IOException {
        return move(id, QueueState.HOLD, Optional.empty(), QueueState.INCOMING, QueueState.DEFERRED);
    }

    @Override
    public boolean release(QueueId id) throws IOException {
        return move(id, QueueState.DEFERRED, Optional.of(clock.instant()), QueueState.HOLD);
    }

    /** Moves a message in one of {@code from} to {@code to}; a present {@code due} also becomes its due time. */
    private boolean move(QueueId id, QueueState to, Optional<Instant> due, QueueState... from) throws IOException {
        lock.lock();
        try {
            checkReady();
            Optional<SpoolIndex.Slot> slot = index.get(id);
            if (slot.isEmpty() || !List.of(from).contains(slot.get().state())) {
                return false;
            }
            Path source = spool.file(slot.get().state(), id);
            if (due.isPresent()) {
                setDueTime(source, due.get());
            }
            Spool.rename(source, spool.file(to, id));
            index.put(id, to, due.orElse(slot.get().due()));
            spool.sync(spool.dir(to));
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(QueueId id) throws IOException {
        lock.lock();
        try {
            checkReady();
            Optional<SpoolIndex.Slot> slot = index.get(id);
            if (slot.isEmpty() || slot.get().state() == QueueState.ACTIVE) {
                return false;
            }
            Path file = spool.file(slot.get().state(), id);
            Files.deleteIfExists(file);
            index.remove(id);
            spool.sync(file.getParent());
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int flush() throws IOException {
        lock.lock();
        try {
            checkReady();
            Instant now = clock.instant();
            int count = 0;
            for (SpoolIndex.Slot slot : index.inState(QueueState.DEFERRED)) {
                try {
                    Files.setLastModifiedTime(spool.file(QueueState.DEFERRED, slot.id()), FileTime.from(now));
                    index.put(slot.id(), QueueState.DEFERRED, now);
                    count++;
                } catch (NoSuchFileException gone) {
                    index.remove(slot.id());
                }
            }
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<QueueEntry> list() throws IOException {
        List<SpoolIndex.Slot> snapshot;
        lock.lock();
        try {
            checkReady();
            snapshot = index.all();
        } finally {
            lock.unlock();
        }
        List<QueueEntry> out = new ArrayList<>(snapshot.size());
        for (SpoolIndex.Slot s : snapshot) {
            find(s.id()).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<QueueEntry> find(QueueId id) throws IOException {
        return read(id, (slot, parsed) -> {
            Instant next = switch (slot.state()) {
                case INCOMING, ACTIVE -> parsed.envelope().arrival();
                case DEFERRED, HOLD -> slot.due();
            };
            return new QueueEntry(parsed.envelope(), slot.state(), next, parsed.bodyLength());
        });
    }

    @Override
    public Optional<Instant> nextDue() {
        lock.lock();
        try {
            checkReady();
            return index.nextDeferredDue();
        } finally {
            lock.unlock();
        }
    }

    /**
     * How many committed messages are in each state, from memory (no file is read): cheap enough for a
     * metrics gauge scraped every few seconds, unlike {@link #list()}.
     */
    public Map<QueueState, Integer> counts() {
        lock.lock();
        try {
            checkReady();
            return Map.copyOf(index.counts());
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting commits, finishes those already submitted, and releases the spool. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        committer.close();
        try {
            processLock.release();
        } finally {
            lockFile.close();
        }
    }

    private interface FileReading<T> {
        T apply(SpoolIndex.Slot slot, QueueFileReader.Parsed parsed) throws IOException;
    }

    /** Parses the message's file outside the lock; retries when a concurrent move renamed it meanwhile. */
    private <T> Optional<T> read(QueueId id, FileReading<T> reading) throws IOException {
        checkReady();
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            Optional<SpoolIndex.Slot> slot;
            lock.lock();
            try {
                slot = index.get(id);
            } finally {
                lock.unlock();
            }
            if (slot.isEmpty()) {
                return Optional.empty();
            }
            try (FileChannel ch = FileChannel.open(spool.file(slot.get().state(), id), StandardOpenOption.READ)) {
                return Optional.of(reading.apply(slot.get(), QueueFileReader.read(id, ch, false)));
            } catch (NoSuchFileException moved) {
                // renamed between the index lookup and the open: look again
            }
        }
        throw new IOException("message " + id + " kept moving while being read");
    }

    private SpoolIndex.Slot requireSlot(QueueId id) throws IOException {
        checkReady();
        return index.get(id).orElseThrow(() -> new NoSuchFileException(id.value(), null, "no such queued message"));
    }

    /** Sets the file's modification time (its due time) and forces it, so the time survives a crash. */
    private static void setDueTime(Path file, Instant due) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(due));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("queue is closed");
        }
    }

    private void checkReady() {
        checkOpen();
        if (!recovered) {
            throw new IllegalStateException("recover() must run before the queue is used");
        }
    }
}
