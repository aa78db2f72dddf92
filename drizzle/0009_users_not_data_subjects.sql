-- NĐ 85 Art. 8.2 and 9.2 count users ("người sử dụng"): a count recorded as data subjects becomes the user count
-- where none was given.
UPDATE "information_systems" SET "user_count" = "personal_data_subjects"
  WHERE "user_count" IS NULL AND "personal_data_subjects" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "information_systems" DROP COLUMN "personal_data_subjects";