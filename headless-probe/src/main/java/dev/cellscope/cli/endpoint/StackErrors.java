package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.endpoint.stack.StackException;

/** The endpoint stack's errors as the CLI's: a malformed request is a usage error (exit 2), the rest failures (exit 1). */
final class StackErrors {
    private StackErrors() {
    }

    static UserError toUserError(StackException e) {
        return switch (e.kind()) {
            case INVALID_REQUEST -> UserError.usage(e.getMessage());
            case FAILED -> UserError.failure(e.getMessage());
        };
    }
}
