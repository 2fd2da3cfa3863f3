CREATE TYPE "public"."access_desired" AS ENUM('present', 'absent');--> statement-breakpoint
CREATE TYPE "public"."access_observed" AS ENUM('present', 'absent', 'invited', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."access_resource" AS ENUM('discord_role', 'telegram_chat');--> statement-breakpoint
CREATE TYPE "public"."actor_kind" AS ENUM('member', 'system');--> statement-breakpoint
CREATE TYPE "public"."announcement_status" AS ENUM('draft', 'scheduled', 'sending', 'paused', 'sent', 'canceled');--> statement-breakpoint
CREATE TYPE "public"."behaviour_kind" AS ENUM('course_view', 'search', 'enrolled', 'purchase', 'lesson_delivered', 'lesson_completed', 'digest_sent', 'digest_click');--> statement-breakpoint
CREATE TYPE "public"."billing_interval" AS ENUM('week', 'month', 'year');--> statement-breakpoint
CREATE TYPE "public"."conversation_status" AS ENUM('assistant', 'waiting', 'claimed', 'closed');--> statement-breakpoint
CREATE TYPE "public"."course_level" AS ENUM('beginner', 'intermediate', 'advanced');--> statement-breakpoint
CREATE TYPE "public"."course_status" AS ENUM('draft', 'review', 'published', 'archived');--> statement-breakpoint
CREATE TYPE "public"."delivery_kind" AS ENUM('announcement', 'lesson', 'digest', 'direct');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('pending', 'sent', 'failed', 'skipped');--> statement-breakpoint
CREATE TYPE "public"."delivery_target" AS ENUM('dm', 'channel', 'group');--> statement-breakpoint
CREATE TYPE "public"."entitlement_source" AS ENUM('order', 'subscription', 'manual', 'trial');--> statement-breakpoint
CREATE TYPE "public"."entitlement_status" AS ENUM('active', 'grace', 'expired', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."grant_kind" AS ENUM('course', 'discord_role', 'telegram_chat');--> statement-breakpoint
CREATE TYPE "public"."member_role" AS ENUM('owner', 'creator', 'staff', 'member');--> statement-breakpoint
CREATE TYPE "public"."membership_status" AS ENUM('active', 'left', 'banned');--> statement-breakpoint
CREATE TYPE "public"."message_author" AS ENUM('member', 'assistant', 'staff', 'system');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('pending', 'paid', 'refunded', 'canceled', 'expired', 'failed');--> statement-breakpoint
CREATE TYPE "public"."payment_provider" AS ENUM('stripe', 'telegram_stars');--> statement-breakpoint
CREATE TYPE "public"."platform" AS ENUM('discord', 'telegram', 'console');--> statement-breakpoint
CREATE TYPE "public"."product_kind" AS ENUM('one_time', 'subscription');--> statement-breakpoint
CREATE TYPE "public"."space_kind" AS ENUM('discord_guild', 'telegram_group', 'telegram_supergroup', 'telegram_channel', 'console');--> statement-breakpoint
CREATE TYPE "public"."subscription_status" AS ENUM('trialing', 'active', 'past_due', 'canceled', 'expired');--> statement-breakpoint
CREATE TYPE "public"."ticket_priority" AS ENUM('low', 'normal', 'high', 'urgent');--> statement-breakpoint
CREATE TYPE "public"."ticket_status" AS ENUM('open', 'pending', 'resolved', 'closed');--> statement-breakpoint
CREATE TABLE "communities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"default_locale" text DEFAULT 'en' NOT NULL,
	"default_currency" text DEFAULT 'USD' NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "communities_slug_unique" UNIQUE("slug"),
	CONSTRAINT "communities_slug_format" CHECK ("communities"."slug" ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
	CONSTRAINT "communities_currency_format" CHECK ("communities"."default_currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "platform_spaces" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"platform" "platform" NOT NULL,
	"kind" "space_kind" NOT NULL,
	"external_id" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"linked_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_spaces_platform_external_id_key" UNIQUE("platform","external_id"),
	CONSTRAINT "platform_spaces_id_community_key" UNIQUE("id","community_id")
);
--> statement-breakpoint
CREATE TABLE "link_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "link_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "link_tokens_hash_format" CHECK ("link_tokens"."token_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"display_name" text NOT NULL,
	"locale" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"role" "member_role" DEFAULT 'member' NOT NULL,
	"status" "membership_status" DEFAULT 'active' NOT NULL,
	"digest_opt_out" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_community_member_key" UNIQUE("community_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "platform_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"platform" "platform" NOT NULL,
	"platform_user_id" text NOT NULL,
	"username" text,
	"locale" text,
	"active_community_id" uuid,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_identities_platform_user_key" UNIQUE("platform","platform_user_id"),
	CONSTRAINT "platform_identities_member_platform_key" UNIQUE("member_id","platform")
);
--> statement-breakpoint
CREATE TABLE "course_stats" (
	"course_id" uuid PRIMARY KEY NOT NULL,
	"community_id" uuid NOT NULL,
	"views_30d" integer DEFAULT 0 NOT NULL,
	"enrollments_30d" integer DEFAULT 0 NOT NULL,
	"purchases_30d" integer DEFAULT 0 NOT NULL,
	"popularity" double precision DEFAULT 0 NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "courses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"category" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"level" "course_level" DEFAULT 'beginner' NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"status" "course_status" DEFAULT 'draft' NOT NULL,
	"author_member_id" uuid,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', "courses"."title"), 'A') ||
          setweight(to_tsvector('english', "courses"."title"), 'A') ||
          setweight(array_to_tsvector("courses"."tags"), 'B') ||
          setweight(to_tsvector('simple', "courses"."category"), 'B') ||
          setweight(to_tsvector('english', "courses"."summary"), 'C')) STORED NOT NULL,
	"search_text" text GENERATED ALWAYS AS (lower("courses"."title" || ' ' || "courses"."category" || ' ' || "courses"."summary")) STORED NOT NULL,
	CONSTRAINT "courses_community_slug_key" UNIQUE("community_id","slug"),
	CONSTRAINT "courses_id_community_key" UNIQUE("id","community_id"),
	CONSTRAINT "courses_slug_format" CHECK ("courses"."slug" ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
	CONSTRAINT "courses_language_format" CHECK ("courses"."language" ~ '^[a-z]{2}(-[A-Za-z]{2,4})?$')
);
--> statement-breakpoint
CREATE TABLE "enrollments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paused_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enrollments_member_course_key" UNIQUE("community_id","member_id","course_id")
);
--> statement-breakpoint
CREATE TABLE "lessons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"drip_offset_days" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lessons_course_position_key" UNIQUE("course_id","position"),
	CONSTRAINT "lessons_id_community_key" UNIQUE("id","community_id"),
	CONSTRAINT "lessons_position_positive" CHECK ("lessons"."position" >= 1),
	CONSTRAINT "lessons_drip_offset_range" CHECK ("lessons"."drip_offset_days" between 0 and 3650)
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"code" text NOT NULL,
	"product_id" uuid,
	"percent_off" integer,
	"amount_off" integer,
	"currency" text,
	"max_redemptions" integer,
	"redemptions" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupons_community_code_key" UNIQUE("community_id","code"),
	CONSTRAINT "coupons_id_community_key" UNIQUE("id","community_id"),
	CONSTRAINT "coupons_code_format" CHECK ("coupons"."code" ~ '^[A-Z0-9_-]{3,32}$'),
	CONSTRAINT "coupons_one_discount" CHECK (("coupons"."percent_off" between 1 and 100 and "coupons"."amount_off" is null)
        or ("coupons"."amount_off" > 0 and "coupons"."percent_off" is null and "coupons"."currency" is not null)),
	CONSTRAINT "coupons_redemptions_within_max" CHECK ("coupons"."max_redemptions" is null or "coupons"."redemptions" <= "coupons"."max_redemptions")
);
--> statement-breakpoint
CREATE TABLE "entitlements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"source" "entitlement_source" NOT NULL,
	"order_id" uuid,
	"subscription_id" uuid,
	"status" "entitlement_status" DEFAULT 'active' NOT NULL,
	"starts_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ends_at" timestamp with time zone,
	"grace_until" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoke_reason" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entitlements_order_key" UNIQUE("order_id"),
	CONSTRAINT "entitlements_subscription_key" UNIQUE("subscription_id"),
	CONSTRAINT "entitlements_source_matches" CHECK (("entitlements"."source" = 'order') = ("entitlements"."order_id" is not null)
        and ("entitlements"."source" = 'subscription') = ("entitlements"."subscription_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"coupon_id" uuid,
	"provider" "payment_provider" NOT NULL,
	"status" "order_status" DEFAULT 'pending' NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"provider_checkout_id" text,
	"provider_payment_id" text,
	"provider_customer_id" text,
	"paid_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_provider_checkout_key" UNIQUE("provider","provider_checkout_id"),
	CONSTRAINT "orders_provider_payment_key" UNIQUE("provider","provider_payment_id"),
	CONSTRAINT "orders_id_community_key" UNIQUE("id","community_id"),
	CONSTRAINT "orders_amount_non_negative" CHECK ("orders"."amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "payment_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" "payment_provider" NOT NULL,
	"provider_event_id" text NOT NULL,
	"type" text NOT NULL,
	"community_id" uuid,
	"order_id" uuid,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "payment_events_provider_event_key" UNIQUE("provider","provider_event_id")
);
--> statement-breakpoint
CREATE TABLE "product_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"kind" "grant_kind" NOT NULL,
	"course_id" uuid,
	"space_id" uuid,
	"resource_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_grants_target_key" UNIQUE NULLS NOT DISTINCT("product_id","kind","course_id","resource_id"),
	CONSTRAINT "product_grants_shape" CHECK (("product_grants"."kind" = 'course' and "product_grants"."course_id" is not null and "product_grants"."space_id" is null and "product_grants"."resource_id" is null)
        or ("product_grants"."kind" <> 'course' and "product_grants"."course_id" is null and "product_grants"."space_id" is not null and "product_grants"."resource_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" "product_kind" NOT NULL,
	"interval" "billing_interval",
	"price_amount" integer NOT NULL,
	"currency" text NOT NULL,
	"stars_price" integer,
	"trial_days" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_community_slug_key" UNIQUE("community_id","slug"),
	CONSTRAINT "products_id_community_key" UNIQUE("id","community_id"),
	CONSTRAINT "products_price_non_negative" CHECK ("products"."price_amount" >= 0),
	CONSTRAINT "products_currency_format" CHECK ("products"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "products_stars_positive" CHECK ("products"."stars_price" is null or "products"."stars_price" between 1 and 100000),
	CONSTRAINT "products_interval_matches_kind" CHECK (("products"."kind" = 'subscription') = ("products"."interval" is not null)),
	CONSTRAINT "products_trial_days_range" CHECK ("products"."trial_days" between 0 and 365)
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"provider" "payment_provider" NOT NULL,
	"provider_subscription_id" text NOT NULL,
	"status" "subscription_status" NOT NULL,
	"current_period_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"grace_until" timestamp with time zone,
	"canceled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_provider_key" UNIQUE("provider","provider_subscription_id"),
	CONSTRAINT "subscriptions_id_community_key" UNIQUE("id","community_id")
);
--> statement-breakpoint
CREATE TABLE "access_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"space_id" uuid NOT NULL,
	"resource_kind" "access_resource" NOT NULL,
	"resource_id" text NOT NULL,
	"desired" "access_desired" NOT NULL,
	"observed" "access_observed" DEFAULT 'unknown' NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"invite_link" text,
	"invite_expires_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_attempt_at" timestamp with time zone,
	"synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "access_grants_member_resource_key" UNIQUE("community_id","member_id","resource_kind","resource_id"),
	CONSTRAINT "access_grants_attempts_non_negative" CHECK ("access_grants"."attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "announcements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"author_member_id" uuid,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"status" "announcement_status" DEFAULT 'draft' NOT NULL,
	"audience" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"scheduled_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "announcements_id_community_key" UNIQUE("id","community_id")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"kind" "delivery_kind" NOT NULL,
	"dedupe_key" text NOT NULL,
	"announcement_id" uuid,
	"lesson_id" uuid,
	"member_id" uuid,
	"platform" "platform" NOT NULL,
	"target_kind" "delivery_target" NOT NULL,
	"target_id" text NOT NULL,
	"status" "delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"platform_message_id" text,
	"scheduled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_community_dedupe_key" UNIQUE("community_id","dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "support_conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"platform" "platform" NOT NULL,
	"chat_id" text NOT NULL,
	"status" "conversation_status" DEFAULT 'assistant' NOT NULL,
	"intent" text,
	"locale" text DEFAULT 'en' NOT NULL,
	"assignee_member_id" uuid,
	"handoff_thread_id" text,
	"claimed_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"csat_score" smallint,
	"last_message_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_conversations_id_community_key" UNIQUE("id","community_id"),
	CONSTRAINT "support_conversations_csat_range" CHECK ("support_conversations"."csat_score" is null or "support_conversations"."csat_score" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "support_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"author_kind" "message_author" NOT NULL,
	"author_member_id" uuid,
	"body" text NOT NULL,
	"platform" "platform",
	"platform_message_id" text,
	"relayed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_messages_platform_message_key" UNIQUE("conversation_id","platform","platform_message_id")
);
--> statement-breakpoint
CREATE TABLE "support_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"status" "ticket_status" DEFAULT 'open' NOT NULL,
	"priority" "ticket_priority" DEFAULT 'normal' NOT NULL,
	"sla_due_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_tickets_conversation_key" UNIQUE("conversation_id")
);
--> statement-breakpoint
CREATE TABLE "behaviour_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "behaviour_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"community_id" uuid NOT NULL,
	"member_id" uuid,
	"kind" "behaviour_kind" NOT NULL,
	"course_id" uuid,
	"lesson_id" uuid,
	"delivery_id" uuid,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"community_id" uuid,
	"actor_kind" "actor_kind" NOT NULL,
	"actor_member_id" uuid,
	"action" text NOT NULL,
	"target_kind" text,
	"target_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "platform_spaces" ADD CONSTRAINT "platform_spaces_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_tokens" ADD CONSTRAINT "link_tokens_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_tokens" ADD CONSTRAINT "link_tokens_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_identities" ADD CONSTRAINT "platform_identities_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_identities" ADD CONSTRAINT "platform_identities_active_community_id_communities_id_fk" FOREIGN KEY ("active_community_id") REFERENCES "public"."communities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_stats" ADD CONSTRAINT "course_stats_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses" ADD CONSTRAINT "courses_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses" ADD CONSTRAINT "courses_author_member_id_members_id_fk" FOREIGN KEY ("author_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lessons" ADD CONSTRAINT "lessons_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_product_id_community_id_products_id_community_id_fk" FOREIGN KEY ("product_id","community_id") REFERENCES "public"."products"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_product_id_community_id_products_id_community_id_fk" FOREIGN KEY ("product_id","community_id") REFERENCES "public"."products"("id","community_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_order_id_community_id_orders_id_community_id_fk" FOREIGN KEY ("order_id","community_id") REFERENCES "public"."orders"("id","community_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entitlements" ADD CONSTRAINT "entitlements_subscription_id_community_id_subscriptions_id_community_id_fk" FOREIGN KEY ("subscription_id","community_id") REFERENCES "public"."subscriptions"("id","community_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_product_id_community_id_products_id_community_id_fk" FOREIGN KEY ("product_id","community_id") REFERENCES "public"."products"("id","community_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_coupon_id_community_id_coupons_id_community_id_fk" FOREIGN KEY ("coupon_id","community_id") REFERENCES "public"."coupons"("id","community_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_grants" ADD CONSTRAINT "product_grants_product_id_community_id_products_id_community_id_fk" FOREIGN KEY ("product_id","community_id") REFERENCES "public"."products"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_grants" ADD CONSTRAINT "product_grants_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_grants" ADD CONSTRAINT "product_grants_space_id_community_id_platform_spaces_id_community_id_fk" FOREIGN KEY ("space_id","community_id") REFERENCES "public"."platform_spaces"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_product_id_community_id_products_id_community_id_fk" FOREIGN KEY ("product_id","community_id") REFERENCES "public"."products"("id","community_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_space_id_community_id_platform_spaces_id_community_id_fk" FOREIGN KEY ("space_id","community_id") REFERENCES "public"."platform_spaces"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcements" ADD CONSTRAINT "announcements_author_member_id_members_id_fk" FOREIGN KEY ("author_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_announcement_id_community_id_announcements_id_community_id_fk" FOREIGN KEY ("announcement_id","community_id") REFERENCES "public"."announcements"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_lesson_id_community_id_lessons_id_community_id_fk" FOREIGN KEY ("lesson_id","community_id") REFERENCES "public"."lessons"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_conversations" ADD CONSTRAINT "support_conversations_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_conversations" ADD CONSTRAINT "support_conversations_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_conversations" ADD CONSTRAINT "support_conversations_assignee_member_id_members_id_fk" FOREIGN KEY ("assignee_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_messages" ADD CONSTRAINT "support_messages_author_member_id_members_id_fk" FOREIGN KEY ("author_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_messages" ADD CONSTRAINT "support_messages_conversation_id_community_id_support_conversations_id_community_id_fk" FOREIGN KEY ("conversation_id","community_id") REFERENCES "public"."support_conversations"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_conversation_id_community_id_support_conversations_id_community_id_fk" FOREIGN KEY ("conversation_id","community_id") REFERENCES "public"."support_conversations"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "behaviour_events" ADD CONSTRAINT "behaviour_events_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "behaviour_events" ADD CONSTRAINT "behaviour_events_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_member_id_members_id_fk" FOREIGN KEY ("actor_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "platform_spaces_community_idx" ON "platform_spaces" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "memberships_member_idx" ON "memberships" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "course_stats_popularity_idx" ON "course_stats" USING btree ("community_id","popularity");--> statement-breakpoint
CREATE INDEX "courses_listing_idx" ON "courses" USING btree ("community_id","status","category");--> statement-breakpoint
CREATE INDEX "courses_search_vector_idx" ON "courses" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "courses_search_text_trgm_idx" ON "courses" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "courses_title_trgm_idx" ON "courses" USING gin ("title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "entitlements_member_idx" ON "entitlements" USING btree ("community_id","member_id","status");--> statement-breakpoint
CREATE INDEX "orders_member_idx" ON "orders" USING btree ("community_id","member_id");--> statement-breakpoint
CREATE INDEX "payment_events_unprocessed_idx" ON "payment_events" USING btree ("created_at") WHERE "payment_events"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "subscriptions_member_idx" ON "subscriptions" USING btree ("community_id","member_id");--> statement-breakpoint
CREATE INDEX "access_grants_unsynced_idx" ON "access_grants" USING btree ("community_id","updated_at") WHERE ("access_grants"."desired" = 'present' and "access_grants"."observed" <> 'present') or ("access_grants"."desired" = 'absent' and "access_grants"."observed" <> 'absent');--> statement-breakpoint
CREATE INDEX "announcements_community_idx" ON "announcements" USING btree ("community_id","status");--> statement-breakpoint
CREATE INDEX "deliveries_pending_idx" ON "deliveries" USING btree ("scheduled_at") WHERE "deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "deliveries_announcement_idx" ON "deliveries" USING btree ("announcement_id","status");--> statement-breakpoint
CREATE INDEX "support_conversations_queue_idx" ON "support_conversations" USING btree ("community_id","status","last_message_at");--> statement-breakpoint
CREATE INDEX "support_conversations_member_idx" ON "support_conversations" USING btree ("community_id","member_id");--> statement-breakpoint
CREATE INDEX "support_messages_conversation_idx" ON "support_messages" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "support_tickets_queue_idx" ON "support_tickets" USING btree ("community_id","status","sla_due_at");--> statement-breakpoint
CREATE INDEX "behaviour_events_community_kind_idx" ON "behaviour_events" USING btree ("community_id","kind","occurred_at");--> statement-breakpoint
CREATE INDEX "behaviour_events_member_idx" ON "behaviour_events" USING btree ("community_id","member_id","occurred_at");--> statement-breakpoint
CREATE INDEX "behaviour_events_course_idx" ON "behaviour_events" USING btree ("course_id","kind");--> statement-breakpoint
CREATE INDEX "audit_log_community_idx" ON "audit_log" USING btree ("community_id","created_at");