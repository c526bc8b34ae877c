package org.bulletinboard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * For the commands a person reads (the terminal client, check, status): warnings only, unless BBS_LOG_LEVEL asks
 * for more, so connection notices do not land between the prompt and the answers.
 */
final class QuietLogs {
    private QuietLogs() {}

    static void unlessAsked() {
        if (System.getenv("BBS_LOG_LEVEL") == null) {
            ((Logger) LoggerFactory.getLogger("org.bulletinboard")).setLevel(Level.WARN);
        }
    }
}
