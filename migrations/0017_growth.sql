CREATE TYPE "public"."coupon_duration" AS ENUM('once', 'repeating', 'forever');--> statement-breakpoint
CREATE TYPE "public"."coupon_eligibility" AS ENUM('anyone', 'new', 'returning', 'existing');--> statement-breakpoint
CREATE TYPE "public"."trial_status" AS ENUM('offered', 'active', 'converted', 'expired');--> statement-breakpoint
CREATE TABLE "coupon_products" (
	"coupon_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"community_id" uuid NOT NULL,
	CONSTRAINT "coupon_products_coupon_id_product_id_pk" PRIMARY KEY("coupon_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "coupon_redemptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"coupon_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupon_redemptions_order_key" UNIQUE("order_id")
);
--> statement-breakpoint
CREATE TABLE "trials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"provider" "payment_provider" NOT NULL,
	"order_id" uuid,
	"entitlement_id" uuid,
	"days" integer NOT NULL,
	"status" "trial_status" DEFAULT 'offered' NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"invoiced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trials_member_key" UNIQUE("community_id","member_id")
);
--> statement-breakpoint
ALTER TABLE "coupons" DROP CONSTRAINT "coupons_redemptions_within_max";--> statement-breakpoint
ALTER TABLE "coupons" DROP CONSTRAINT "coupons_product_id_community_id_products_id_community_id_fk";
--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "duration" "coupon_duration" DEFAULT 'once' NOT NULL;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "duration_months" integer;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "eligibility" "coupon_eligibility" DEFAULT 'anyone' NOT NULL;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "created_by_member_id" uuid;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "list_amount" integer;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "trial_requires_card" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "coupon_products" ADD CONSTRAINT "coupon_products_coupon_id_community_id_coupons_id_community_id_fk" FOREIGN KEY ("coupon_id","community_id") REFERENCES "public"."coupons"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_products" ADD CONSTRAINT "coupon_products_product_id_community_id_products_id_community_id_fk" FOREIGN KEY ("product_id","community_id") REFERENCES "public"."products"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_coupon_id_community_id_coupons_id_community_id_fk" FOREIGN KEY ("coupon_id","community_id") REFERENCES "public"."coupons"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_order_id_community_id_orders_id_community_id_fk" FOREIGN KEY ("order_id","community_id") REFERENCES "public"."orders"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_product_id_community_id_products_id_community_id_fk" FOREIGN KEY ("product_id","community_id") REFERENCES "public"."products"("id","community_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_order_id_community_id_orders_id_community_id_fk" FOREIGN KEY ("order_id","community_id") REFERENCES "public"."orders"("id","community_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trials" ADD CONSTRAINT "trials_entitlement_id_entitlements_id_fk" FOREIGN KEY ("entitlement_id") REFERENCES "public"."entitlements"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "coupon_redemptions_coupon_idx" ON "coupon_redemptions" USING btree ("coupon_id","member_id");--> statement-breakpoint
CREATE INDEX "trials_ending_idx" ON "trials" USING btree ("ends_at") WHERE "trials"."status" = 'active';--> statement-breakpoint
ALTER TABLE "coupons" DROP COLUMN "product_id";--> statement-breakpoint
ALTER TABLE "coupons" DROP COLUMN "redemptions";--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_max_redemptions_positive" CHECK ("coupons"."max_redemptions" is null or "coupons"."max_redemptions" > 0);--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_duration_months" CHECK (("coupons"."duration" = 'repeating') = ("coupons"."duration_months" is not null) and ("coupons"."duration_months" is null or "coupons"."duration_months" between 1 and 36));