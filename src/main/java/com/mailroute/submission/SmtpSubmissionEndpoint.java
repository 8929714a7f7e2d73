package com.mailroute.submission;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** The listener on one address; consume only. */
public final class SmtpSubmissionEndpoint extends DefaultEndpoint {
    private final SubmissionConfig config;

    SmtpSubmissionEndpoint(String uri, SmtpSubmissionComponent component, SubmissionConfig config) {
        super(uri, component);
        this.config = config;
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        SmtpSubmissionConsumer consumer = new SmtpSubmissionConsumer(this, processor, config);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("smtp-submission is a way in: use it in from:, not in to:");
    }
}
