CREATE TYPE "public"."ledger_entry_kind" AS ENUM('charge', 'refund', 'dispute', 'dispute_won', 'dispute_lost');--> statement-breakpoint
CREATE TYPE "public"."payment_event_outcome" AS ENUM('applied', 'unmatched', 'ignored');--> statement-breakpoint
ALTER TYPE "public"."order_status" ADD VALUE 'partially_refunded';--> statement-breakpoint
ALTER TYPE "public"."order_status" ADD VALUE 'disputed';--> statement-breakpoint
ALTER TYPE "public"."payment_provider" ADD VALUE 'sandbox';--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"subscription_id" uuid,
	"provider" "payment_provider" NOT NULL,
	"kind" "ledger_entry_kind" NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"provider_ref" text NOT NULL,
	"payment_ref" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_movement_key" UNIQUE("provider","kind","provider_ref"),
	CONSTRAINT "ledger_entries_amount_non_negative" CHECK ("ledger_entries"."amount" >= 0),
	CONSTRAINT "ledger_entries_currency_format" CHECK ("ledger_entries"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "amount_refunded" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "checkout_url" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "failure_reason" text;--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "object_id" text;--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "outcome" "payment_event_outcome";--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "order_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_order_id_community_id_orders_id_community_id_fk" FOREIGN KEY ("order_id","community_id") REFERENCES "public"."orders"("id","community_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_subscription_id_community_id_subscriptions_id_community_id_fk" FOREIGN KEY ("subscription_id","community_id") REFERENCES "public"."subscriptions"("id","community_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entries_community_time_idx" ON "ledger_entries" USING btree ("community_id","occurred_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_payment_idx" ON "ledger_entries" USING btree ("provider","payment_ref");--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_order_id_community_id_orders_id_community_id_fk" FOREIGN KEY ("order_id","community_id") REFERENCES "public"."orders"("id","community_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_one_pending_key" ON "orders" USING btree ("member_id","product_id") WHERE "orders"."status" = 'pending';--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_order_key" UNIQUE("order_id");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_amount_refunded_non_negative" CHECK ("orders"."amount_refunded" >= 0);