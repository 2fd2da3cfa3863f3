CREATE TABLE "support_faqs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"questions" jsonb NOT NULL,
	"answers" jsonb NOT NULL,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "support_messages_conversation_idx";--> statement-breakpoint
ALTER TABLE "support_conversations" ADD COLUMN "handoff_platform" "platform";--> statement-breakpoint
ALTER TABLE "support_conversations" ADD COLUMN "handoff_space_id" text;--> statement-breakpoint
ALTER TABLE "support_messages" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "support_messages_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "support_messages" ADD COLUMN "kind" text DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE "support_messages" ADD COLUMN "relay_to" text;--> statement-breakpoint
ALTER TABLE "support_messages" ADD COLUMN "relay_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support_messages" ADD COLUMN "relayed_message_id" text;--> statement-breakpoint
ALTER TABLE "support_messages" ADD COLUMN "relay_error" text;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "pinged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "order_id" uuid;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "transcript" text;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "closed_by_member_id" uuid;--> statement-breakpoint
ALTER TABLE "support_faqs" ADD CONSTRAINT "support_faqs_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_faqs" ADD CONSTRAINT "support_faqs_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "support_faqs_community_idx" ON "support_faqs" USING btree ("community_id");--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_closed_by_member_id_members_id_fk" FOREIGN KEY ("closed_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "support_messages_pending_idx" ON "support_messages" USING btree ("conversation_id","seq") WHERE "support_messages"."relay_to" is not null and "support_messages"."relayed_at" is null and "support_messages"."relay_error" is null;--> statement-breakpoint
CREATE INDEX "support_messages_conversation_idx" ON "support_messages" USING btree ("conversation_id","seq");--> statement-breakpoint
ALTER TABLE "support_conversations" ADD CONSTRAINT "support_conversations_handoff_key" UNIQUE("handoff_platform","handoff_thread_id");--> statement-breakpoint
ALTER TABLE "support_messages" ADD CONSTRAINT "support_messages_relay_to" CHECK ("support_messages"."relay_to" is null or "support_messages"."relay_to" in ('member', 'staff'));